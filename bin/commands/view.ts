// `autonomy view <sim|recording>`: serves the Pixi viewer on 127.0.0.1, live (sim + agent in Node) or replaying a recording.
import fs from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { readRecording, type Recording } from '../../world/recording.ts';
import { ensureViewerBuilt } from '../../viewer/server/build.ts';
import { startViewer, type ViewerOptions } from '../../viewer/server/server.ts';
import { AGENTS, type AgentName } from '../../agent/harness/policies.ts';
import { addCostOptions, addPlanningOptions, parseSeed, planningOverrides, type CostFlags, type PlanningFlags } from '../options.ts';
import { costChoice, shippedFor, simArgument } from '../plugins.ts';

interface ViewFlags extends PlanningFlags, CostFlags {
  agent: AgentName;
  checkpoint?: string;
  seed: number;
  port?: number;
  backend?: string;
}

const portSchema = z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(65535));

function parsePort(value: string): number {
  const result = portSchema.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(`expected a port number in [0, 65535] (0 picks a free one), got '${value}'.`);
  return result.data;
}

/** A sim name or sim file (.ts, .js) is a live view; any other existing file is a recording. */
async function sourceOf(target: string, flags: ViewFlags): Promise<ViewerOptions['source']> {
  const simFile = /\.(ts|js|mts|mjs)$/.test(target);
  if (!simFile && fs.existsSync(target) && fs.statSync(target).isFile()) {
    if (flags.cost.length > 0 || flags.weight.length > 0) throw new Error(`--cost and --weight change a live agent; '${target}' is a recording, replayed as it was recorded`);
    const recording = readRecording(target);
    let agentRadius = 10;
    try {
      agentRadius = getSim(recording.header.sim).body.radius;
    } catch {
      // A recording of a sim this build does not know still replays, with the default agent size.
    }
    return { kind: 'replay', file: `'${target}'`, recording, agentRadius };
  }
  if (target.endsWith('.jsonl')) throw new Error(`recording '${target}' does not exist; make one with \`autonomy run <sim> --record ${target}\``);
  const sim = await simArgument(target);
  await initBackend(flags.backend);
  const { extraCosts, weights, defaultWeights, warnings } = await costChoice(flags, sim);
  for (const line of warnings) console.error(line);
  if (flags.agent === 'mode1' && !flags.checkpoint && !shippedFor(sim)) {
    console.error(`warning: no trained checkpoint for '${sim.name}': this mode1 agent acts with an untrained policy (random weights); train one with \`autonomy train ${target}\` and pass --checkpoint DIR`);
  }
  return { kind: 'live', sim, agent: flags.agent, checkpoint: flags.checkpoint, seed: flags.seed, planning: planningOverrides(flags), extraCosts, weights, defaultWeights };
}

/** What the reader knows about how a recorded run ended, when it did not end normally. */
function replayNote(recording: Recording): string {
  if (recording.end?.interrupted) return ` (interrupted: the run was stopped after ${recording.end.ticks} ticks)`;
  if (recording.truncated) return ' (cut short: its last line was incomplete and is skipped)';
  return '';
}

export function registerView(program: Command): void {
  const command = program
    .command('view')
    .description('watch an agent in the browser, live or from a recording')
    .argument('<sim|recording>', 'a sim name (see `autonomy list`), the path of a sim file, or a recording made with `autonomy run --record`')
    .addOption(new Option('--agent <agent>', 'which agent acts (live)').choices(AGENTS).default('scripted'))
    .option('--checkpoint <dir>', 'load the agent from this checkpoint folder (mode1, mode2, auto; default: the one shipped for the sim)')
    .option('--seed <n>', 'seed of the first episode (live)', parseSeed, 0)
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)');
  addPlanningOptions(addCostOptions(command))
    .action(async (target: string, flags: ViewFlags) => {
      const source = await sourceOf(target, flags);
      const assets = await ensureViewerBuilt((line) => console.error(line));
      const viewer = await startViewer({ source, assets, port: flags.port });
      console.log(`autonomy viewer: ${viewer.url}`);
      console.log(source.kind === 'live' ? `live: ${source.sim.name} with the ${source.agent} agent, seed ${source.seed}` : `replay: ${target}${replayNote(source.recording)}`);
      console.log('open the URL in a browser; Ctrl+C stops the server');
      const stop = (): void => {
        void viewer.close().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
