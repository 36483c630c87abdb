// `autonomy run <sim>`: runs an agent headless for seeded episodes and prints a summary (or JSON).
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Agent } from '../../agent/agent.ts';
import { AGENTS, preparePolicy, type AgentName } from '../../agent/harness/policies.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { percentiles } from '../../agent/math/percentiles.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { runEpisodesYielding } from '../../world/episodes.ts';
import { runVectorEpisodesYielding } from '../../world/vector-episodes.ts';
import { checkRecordingTarget, RecordingWriter } from '../../world/recording.ts';
import { addCostOptions, addPlanningOptions, checkSeedRange, parsePositiveInt, parseSeed, planningOverrides, type CostFlags, type PlanningFlags } from '../options.ts';
import { costChoice, shippedFor, simArgument } from '../plugins.ts';

interface RunFlags extends PlanningFlags, CostFlags {
  agent: AgentName;
  episodes: number;
  envs: number;
  seed: number;
  record?: string;
  force?: boolean;
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
    .option('--envs <n>', 'worlds stepped in lockstep, one batched decision per tick for all of them (the results are the same for any N)', parsePositiveInt, 1)
    .option('--checkpoint <dir>', 'load the agent from this checkpoint folder (default: the one shipped for the sim)')
    .option('--record <file>', 'write a recording of every tick to this file (it replaces only a recording; Ctrl-C keeps what ran, marked interrupted)')
    .option('--force', 'let --record replace a file that is not a recording')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  addPlanningOptions(addCostOptions(command))
    .action(async (simName: string, flags: RunFlags) => {
      const sim = await simArgument(simName);
      checkSeedRange(flags.seed, flags.episodes);
      if (flags.envs > 1 && flags.record) throw new Error(`--record writes episodes one after another; record with --envs 1 (got --envs ${flags.envs})`);
      if (flags.envs > 1 && (flags.agent === 'mode2' || flags.agent === 'auto')) {
        throw new Error(`--agent ${flags.agent} plans one world at a time; --envs ${flags.envs} runs random, scripted and mode1 (use --envs 1)`);
      }
      if (flags.record) checkRecordingTarget(flags.record, { force: flags.force });
      const backend = await initBackend(flags.backend);
      const { extraCosts, weights, defaultWeights, warnings } = await costChoice(flags, sim);
      const prepared = preparePolicy(sim, flags.agent, { seed: flags.seed, checkpoint: flags.checkpoint, shippedCheckpoint: shippedFor(sim), extraCosts, weights, defaultWeights, planning: planningOverrides(flags) });
      for (const line of [...warnings, ...prepared.warnings]) console.error(line);
      const recorder = flags.record
        ? RecordingWriter.open(flags.record, { sim: sim.name, seed: flags.seed, arena: sim.arena, config: { agent: flags.agent, episodes: flags.episodes } }, { force: flags.force })
        : undefined;
      // Ctrl-C stops the run after the tick under way: the summary covers what ran, the recording keeps it (marked
      // interrupted), and the exit code is 130. A second Ctrl-C stops at once, leaving any previous recording as it was.
      let interrupted = false;
      const onInterrupt = (): void => {
        if (interrupted) {
          recorder?.abort();
          process.exit(130);
        }
        interrupted = true;
      };
      process.on('SIGINT', onInterrupt);
      const bar = process.stderr.isTTY && !flags.json
        ? new cliProgress.SingleBar({ format: `${sim.name} {bar} {value}/{total} episodes`, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
      bar?.start(flags.episodes, 0);
      let result;
      try {
        result =
          flags.envs > 1
            ? await runVectorEpisodesYielding({ sim, envs: flags.envs, policy: prepared.vector!, episodes: flags.episodes, seed: flags.seed, onEpisode: () => bar?.increment(), stop: () => interrupted })
            : await runEpisodesYielding({
                sim,
                policy: prepared.policy,
                episodes: flags.episodes,
                seed: flags.seed,
                recorder,
                onEpisode: () => bar?.increment(),
                stop: () => interrupted,
              });
        recorder?.close({ interrupted });
      } catch (e) {
        // A failed run leaves the file that was at --record as it was.
        recorder?.abort();
        throw e;
      } finally {
        process.off('SIGINT', onInterrupt);
        bar?.stop();
        for (const agent of prepared.agents) agent.dispose();
      }
      if (interrupted) {
        process.exitCode = 130;
        const episodesRun = result.episodes.length;
        console.error(`autonomy: interrupted after ${result.totalSteps} ticks in ${episodesRun} episode${episodesRun === 1 ? '' : 's'}${flags.record ? `; '${flags.record}' holds them, marked interrupted` : ''}`);
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
