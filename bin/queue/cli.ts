// The --queue and --artifacts flags of eval, ablate and sweep: a queue runner that reports each failed job once, and notes on stderr.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { JobError } from '../jobs/runner.ts';
import type { QueueRunner } from './queue-runner.ts';
import { parseQueueUrl, scrubAll } from './url.ts';

export interface QueueFlags {
  queue?: string;
  artifacts?: string;
}

/** Adds --queue URL and --artifacts DIR. */
export function addQueueOptions(command: Command, artifacts = 'the folder every worker shares (as this machine mounts it): files under it travel as references'): Command {
  return command
    .option('--queue <url>', 'run the jobs on the workers of this Redis queue (`autonomy worker --queue URL`): redis://[USER:PASSWORD@]HOST[:PORT][/DB] or rediss://…')
    .option('--artifacts <dir>', artifacts);
}

/** Checks an --artifacts folder: it must be a folder that exists. */
export function artifactsFolder(dir: string): string {
  const full = path.resolve(dir);
  if (!fs.existsSync(full)) throw new Error(`--artifacts: '${dir}' does not exist; give the folder where this machine mounts the shared folder (docs/scale-out.md)`);
  if (!fs.statSync(full).isDirectory()) throw new Error(`--artifacts: '${dir}' is a file; give the folder where this machine mounts the shared folder`);
  return full;
}

/** Where a run's jobs go: a queue runner for --queue (each failed job reported once on stderr, with its input), else undefined. */
export async function queueRunner(flags: QueueFlags): Promise<{ runner: QueueRunner; display: string } | undefined> {
  if (flags.queue === undefined) return undefined;
  const target = parseQueueUrl(flags.queue);
  const artifacts = flags.artifacts !== undefined ? artifactsFolder(flags.artifacts) : undefined;
  const { openQueueRunner } = await import('./queue-runner.ts');
  const runner = await openQueueRunner({
    target,
    ...(artifacts ? { artifacts } : {}),
    log: (line) => console.error(`autonomy: ${scrubAll(line)}`),
    onFailure: (e: JobError) => console.error(`autonomy: ${scrubAll(e.report())}`),
  });
  return { runner, display: target.display };
}
