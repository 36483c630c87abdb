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
import { addPlanningOptions, parseSeed, planningOverrides, type PlanningFlags } from '../options.ts';

interface ViewFlags extends PlanningFlags {
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

/** A path to an existing file is a recording; anything else must name a sim. */
function sourceOf(target: string, flags: ViewFlags): ViewerOptions['source'] {
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
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
  return { kind: 'live', sim: getSim(target), agent: flags.agent, checkpoint: flags.checkpoint, seed: flags.seed, planning: planningOverrides(flags) };
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
    .argument('<sim|recording>', 'a sim name (see `autonomy list`) or a recording made with `autonomy run --record`')
    .addOption(new Option('--agent <agent>', 'which agent acts (live)').choices(AGENTS).default('scripted'))
    .option('--checkpoint <dir>', 'load the agent from this checkpoint folder (mode1)')
    .option('--seed <n>', 'seed of the first episode (live)', parseSeed, 0)
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)');
  addPlanningOptions(command)
    .action(async (target: string, flags: ViewFlags) => {
      const source = sourceOf(target, flags);
      if (source.kind === 'live') await initBackend(flags.backend);
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
