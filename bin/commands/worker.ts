// `autonomy worker --queue URL`: takes jobs (evaluation episodes, training runs, ablation variants) from a Redis queue until stopped.
import os from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { PACKAGE_VERSION } from '../jobs/package.ts';
import { artifactsFolder } from '../queue/cli.ts';
import type { QueueWorker } from '../queue/worker.ts';
import { parseQueueUrl, scrubAll } from '../queue/url.ts';
import { parsePositiveInt } from '../options.ts';

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  artifacts?: string;
  stallTimeout: number;
}

const parseSeconds = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 1 || n > 3600) throw new InvalidArgumentError(`expected seconds between 1 and 3600, got '${value}'.`);
  return n;
};

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take jobs from a Redis queue (eval --queue, ablate --queue, sweep --queue) until stopped; Ctrl-C finishes the jobs under way, twice returns them to the queue')
    .requiredOption('--queue <url>', 'the Redis queue: redis://[USER:PASSWORD@]HOST[:PORT][/DB] or rediss://… (TLS); the password may instead be in $AUTONOMY_REDIS_PASSWORD')
    .option('--concurrency <n>', 'jobs at once, each on its own thread (default: one per core)', parsePositiveInt)
    .option('--artifacts <dir>', 'where this machine mounts the folder every worker shares (training jobs write their checkpoints there)')
    .option('--stall-timeout <seconds>', 'a job whose worker stops answering for this long goes to another worker', parseSeconds, 30)
    .action(async (flags: WorkerFlags) => {
      const target = parseQueueUrl(flags.queue);
      const artifacts = flags.artifacts !== undefined ? artifactsFolder(flags.artifacts) : undefined;
      const concurrency = flags.concurrency ?? os.availableParallelism();
      const log = (line: string): void => console.log(`autonomy worker: ${scrubAll(line)}`);
      // The signals are ours before the first job can start: a Ctrl-C never finds the default handler (which would
      // end the process at once and leave its job to the stall timeout).
      let worker: QueueWorker | null = null;
      let interrupts = 0;
      let early = false;
      const onInterrupt = (): void => {
        interrupts++;
        if (!worker) {
          early = true;
          return;
        }
        if (interrupts === 1 && worker.active() > 0) {
          log(`stopping: finishing ${worker.active()} job${worker.active() === 1 ? '' : 's'} under way, taking no more (Ctrl-C again returns them to the queue)`);
          void worker.stop('finish');
        } else {
          if (worker.active() > 0) log(`stopping: returning ${worker.active()} job${worker.active() === 1 ? '' : 's'} under way to the queue`);
          void worker.stop('return');
        }
      };
      // SIGTERM (a service manager, a shutdown) returns the jobs at once rather than keep the machine waiting.
      const onTerminate = (): void => {
        interrupts = 2;
        if (!worker) {
          early = true;
          return;
        }
        if (worker.active() > 0) log(`stopping (SIGTERM): returning ${worker.active()} job${worker.active() === 1 ? '' : 's'} under way to the queue`);
        void worker.stop('return');
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onTerminate);
      const { startQueueWorker } = await import('../queue/worker.ts');
      worker = await startQueueWorker({ target, concurrency, ...(artifacts ? { artifacts } : {}), stallSeconds: flags.stallTimeout, log });
      if (early) void worker.stop('return');
      else {
        log(`${worker.name} (autonomy ${PACKAGE_VERSION}) takes jobs from ${target.display}, ${concurrency} at a time${artifacts ? `, shared folder ${artifacts}` : ''}; Ctrl-C finishes the jobs under way and stops, twice returns them to the queue`);
        worker.run();
      }
      const code = await worker.done;
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      log('stopped');
      process.exitCode = code;
    });
}
