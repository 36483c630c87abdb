// `autonomy run <sim>`: runs an agent headless for seeded episodes and prints a summary (or JSON).
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Agent } from '../../agent/agent.ts';
import { AGENTS, preparePolicy, type AgentName } from '../../agent/harness/policies.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { percentiles } from '../../agent/math/percentiles.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { RecordingWriter } from '../../world/recording.ts';
import { addCostOptions, addPlanningOptions, parsePositiveInt, parseSeed, planningOverrides, type CostFlags, type PlanningFlags } from '../options.ts';
import { costChoice, shippedFor, simArgument } from '../plugins.ts';

interface RunFlags extends PlanningFlags, CostFlags {
  agent: AgentName;
  episodes: number;
  seed: number;
  record?: string;
  checkpoint?: string;
  json?: boolean;
  backend?: string;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run an agent in a sim, headless')
    .argument('<sim>', 'sim name (see `autonomy list`) or the path of a sim file')
    .addOption(new Option('--agent <agent>', 'which agent acts').choices(AGENTS).default('scripted'))
    .option('--episodes <n>', 'number of episodes', parsePositiveInt, 10)
    .option('--seed <n>', 'seed of the first episode; episode i uses seed + i', parseSeed, 0)
    .option('--checkpoint <dir>', 'load the agent from this checkpoint folder (default: the one shipped for the sim)')
    .option('--record <file>', 'write a recording of every tick to this file')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  addPlanningOptions(addCostOptions(command))
    .action(async (simName: string, flags: RunFlags) => {
      const sim = await simArgument(simName);
      const backend = await initBackend(flags.backend);
      const { extraCosts, weights, defaultWeights, warnings } = await costChoice(flags, sim);
      const prepared = preparePolicy(sim, flags.agent, { seed: flags.seed, checkpoint: flags.checkpoint, shippedCheckpoint: shippedFor(sim), extraCosts, weights, defaultWeights, planning: planningOverrides(flags) });
      for (const line of [...warnings, ...prepared.warnings]) console.error(line);
      const recorder = flags.record
        ? RecordingWriter.open(flags.record, { sim: sim.name, seed: flags.seed, arena: sim.arena, config: { agent: flags.agent, episodes: flags.episodes } })
        : undefined;
      const bar = process.stderr.isTTY && !flags.json
        ? new cliProgress.SingleBar({ format: `${sim.name} {bar} {value}/{total} episodes`, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
      bar?.start(flags.episodes, 0);
      let result;
      try {
        result = runEpisodes({
          sim,
          policy: prepared.policy,
          episodes: flags.episodes,
          seed: flags.seed,
          recorder,
          onEpisode: () => bar?.increment(),
        });
      } finally {
        bar?.stop();
        recorder?.close();
        for (const agent of prepared.agents) agent.dispose();
      }
      const summary = {
        sim: sim.name,
        agent: flags.agent,
        episodes: flags.episodes,
        seed: flags.seed,
        backend,
        successRate: result.successRate,
        meanSteps: result.meanSteps,
        stepsPerSecond: Math.round(result.stepsPerSecond),
        meanCost: prepared.meanCost(),
        weights: prepared.weights,
        msPerDecision: percentiles(prepared.decisionMs()),
        ...(prepared.agents.length > 0 ? { mode2Share: mode2Share(prepared.agents) } : {}),
        ...(flags.record ? { recording: flags.record } : {}),
      };
      if (flags.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      const { median, p95 } = summary.msPerDecision;
      console.log(formatTable(['sim', 'agent', 'episodes', 'seed', 'backend', 'success', 'mean steps', 'steps/s', 'ms/decision (median, p95)'], [
        [summary.sim, summary.agent, summary.episodes, summary.seed, backend, `${(100 * summary.successRate).toFixed(0)} %`, summary.meanSteps, summary.stepsPerSecond, `${median.toFixed(3)}, ${p95.toFixed(3)}`],
      ]));
      console.log();
      console.log(formatTable(['intrinsic cost', 'weight', 'mean per tick'], Object.entries(summary.meanCost).map(([name, v]) => [name, prepared.weights[name] ?? 0, v])));
      if (summary.mode2Share !== undefined) console.log(`Mode-2 ticks: ${(100 * summary.mode2Share).toFixed(1)} %`);
      if (flags.record) console.log(`recording: ${flags.record}`);
      console.log(`\nnext: \`autonomy view ${simName} --agent ${flags.agent}\` to watch it, \`autonomy eval ${simName}\` to compare agents, --cost FILE=W to add a cost of your own (docs/intrinsic-costs.md)`);
    });
}

/** The share of ticks decided by Mode-2, over every agent. */
function mode2Share(agents: readonly Agent[]): number {
  const mode2 = agents.reduce((n, a) => n + a.modeCounts.mode2, 0);
  const all = agents.reduce((n, a) => n + a.modeCounts.mode1 + a.modeCounts.mode2, 0);
  return all > 0 ? mode2 / all : 0;
}
