// `autonomy run <sim>`: runs an agent headless for seeded episodes and prints a summary (or JSON).
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { RecordingWriter } from '../../world/recording.ts';
import { randomPolicy, runEpisodes, scriptedPolicy, type PolicyFactory } from '../../world/rollout.ts';
import { parsePositiveInt, parseSeed } from '../options.ts';
import { formatTable } from '../table.ts';

export const AGENTS = ['random', 'scripted'] as const;
type AgentName = (typeof AGENTS)[number];

const policies: Record<AgentName, PolicyFactory> = { random: randomPolicy, scripted: scriptedPolicy };

interface RunFlags {
  agent: AgentName;
  episodes: number;
  seed: number;
  record?: string;
  json?: boolean;
  backend?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an agent in a sim, headless')
    .argument('<sim>', 'sim name (see `autonomy list`)')
    .addOption(new Option('--agent <agent>', 'which agent acts').choices(AGENTS).default('scripted'))
    .option('--episodes <n>', 'number of episodes', parsePositiveInt, 10)
    .option('--seed <n>', 'seed of the first episode; episode i uses seed + i', parseSeed, 0)
    .option('--record <file>', 'write a recording of every tick to this file')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout')
    .action(async (simName: string, flags: RunFlags) => {
      const sim = getSim(simName);
      const backend = await initBackend(flags.backend);
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
          policy: policies[flags.agent],
          episodes: flags.episodes,
          seed: flags.seed,
          recorder,
          onEpisode: () => bar?.increment(),
        });
      } finally {
        bar?.stop();
        recorder?.close();
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
        ...(flags.record ? { recording: flags.record } : {}),
      };
      if (flags.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(formatTable(['sim', 'agent', 'episodes', 'seed', 'backend', 'success', 'mean steps', 'steps/s'], [
        [summary.sim, summary.agent, summary.episodes, summary.seed, backend, `${(100 * summary.successRate).toFixed(0)} %`, summary.meanSteps, summary.stepsPerSecond],
      ]));
      if (flags.record) console.log(`recording: ${flags.record}`);
    });
}
