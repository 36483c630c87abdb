// The queue transport of jobs (working side): takes jobs from Redis and runs them on a pool of threads through runJob; refuses jobs of another package version; on stop finishes or returns its jobs, never drops them.
import os from 'node:os';
import { Worker, WaitingError, type Job as BullJob } from 'bullmq';
import { describeJob, mapJobFiles, type Job } from '../jobs/jobs.ts';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../jobs/package.ts';
import { poolRunner } from '../jobs/runner.ts';
import { checkRedis, openRedis, QUEUE_NAME, QUEUE_PREFIX } from './connection.ts';
import { fingerprint, fromReference, NoArtifactsError, type FileContext } from './files.ts';
import { refusalsKey, type QueuedJob, type Refusal } from './protocol.ts';
import type { QueueTarget } from './url.ts';

export interface QueueWorkerOptions {
  target: QueueTarget;
  /** Jobs at once, each on its own thread. */
  concurrency: number;
  /** Where this machine mounts the shared folder. */
  artifacts?: string;
  /** A job whose worker has not renewed its lock for this long goes back to the queue for another worker (seconds). */
  stallSeconds: number;
  log: (line: string) => void;
}

export interface QueueWorker {
  /** This worker's name on the queue: host, process id and package version. */
  name: string;
  /** Starts taking jobs (the worker is connected, and takes none before this). */
  run(): void;
  /** 'finish': take no more jobs and finish the ones under way; 'return': stop them and put them back in the queue. */
  stop(mode: 'finish' | 'return'): Promise<void>;
  /** The number of jobs under way. */
  active(): number;
  /** Resolves with the exit code once the worker has stopped: 0, or 1 when it refused jobs. */
  done: Promise<number>;
}

/** Connects (failing fast and in words when Redis is unreachable); once run, takes jobs until stopped. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { target, log } = options;
  await checkRedis(target);
  const name = `${os.hostname().replace(/[^\w.-]/g, '_')}:${process.pid}@${PACKAGE_VERSION}`;
  const context: FileContext = { ...(options.artifacts ? { artifacts: options.artifacts } : {}), packageRoot: PACKAGE_ROOT };
  const pool = poolRunner(options.concurrency);
  const connection = openRedis(target, log);
  const running = new Map<string, AbortController>();
  let returning = false;
  let refused = false;
  let exitCode = 0;

  /** Puts the job back in the queue for a worker that can run it, says why once, and stops this worker. */
  const refuse = async (job: BullJob, token: string | undefined, reason: string): Promise<never> => {
    await job.moveToWait(token);
    if (!refused) {
      refused = true;
      log(`refusing jobs, and stopping: ${reason}; the job went back to the queue for another worker`);
      const refusal: Refusal = { worker: name, version: PACKAGE_VERSION, reason, at: new Date().toISOString() };
      await connection.hset(refusalsKey(QUEUE_PREFIX, QUEUE_NAME), name, JSON.stringify(refusal)).catch(() => 0);
      void stop('return', 1);
    }
    throw new WaitingError();
  };

  const processor = async (job: BullJob, token?: string): Promise<unknown> => {
    const data = job.data as QueuedJob;
    if (refused || returning) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (data.version !== PACKAGE_VERSION) {
      return refuse(job, token, `job ${job.id} was enqueued by autonomy ${data.version}, and this worker runs autonomy ${PACKAGE_VERSION}; every worker must run the version that enqueues (install autonomy ${data.version} here, or enqueue with ${PACKAGE_VERSION})`);
    }
    let local: Job;
    try {
      local = mapJobFiles(data.job, (reference) => fromReference(reference, context));
    } catch (e) {
      if (e instanceof NoArtifactsError) return refuse(job, token, `${e.message}; restart it with --artifacts DIR`);
      throw e;
    }
    for (const [reference, expected] of Object.entries(data.fingerprints)) {
      const file = fromReference(reference, context);
      const seen = fingerprint(file);
      if (seen === null) throw new Error(`'${reference}' is not on worker ${name} (looked at ${file}); every worker must see the files a job reads: put them under the shared --artifacts folder (docs/scale-out.md)`);
      if (seen !== expected) throw new Error(`'${reference}' on worker ${name} (${file}) differs from the copy the job was enqueued with; every worker must read the same files (is the shared folder in sync?)`);
    }
    const controller = new AbortController();
    running.set(job.id!, controller);
    const started = performance.now();
    log(`start ${job.id} ${describeJob(local)}`);
    try {
      const result = await pool.submit(local, { signal: controller.signal });
      log(`done  ${job.id} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      if (returning) {
        // Stopped on purpose: the job goes back to the queue, to be run again from the start (or its last checkpoint).
        await job.moveToWait(token);
        log(`returned ${job.id} to the queue`);
        throw new WaitingError();
      }
      log(`failed ${job.id}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    } finally {
      running.delete(job.id!);
    }
  };

  const stallMs = Math.round(options.stallSeconds * 1000);
  const worker = new Worker(QUEUE_NAME, processor, {
    connection,
    prefix: QUEUE_PREFIX,
    name,
    concurrency: options.concurrency,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    // A job whose worker dies is taken over once; if that worker dies too, the job fails (it may be what kills them).
    maxStalledCount: 1,
    autorun: false,
  });
  // Connection errors are reported by the connection itself; the rest are worth a line.
  worker.on('error', (e) => {
    if (!/ECONNREFUSED|ECONNRESET|Connection is closed|ETIMEDOUT|EPIPE/.test(e.message)) log(`worker error: ${e.message}`);
  });

  let finished!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finished = resolve));
  let stopping: Promise<void> | null = null;
  const stop = (mode: 'finish' | 'return', code = 0): Promise<void> => {
    exitCode = Math.max(exitCode, code);
    if (mode === 'return' && !returning) {
      returning = true;
      for (const controller of running.values()) controller.abort();
    }
    stopping ??= (async () => {
      await worker.close();
      await pool.close();
      connection.disconnect();
      finished(exitCode);
    })();
    return stopping;
  };

  await worker.waitUntilReady();
  return {
    name,
    run: () => {
      if (stopping === null) void worker.run();
    },
    stop,
    active: () => running.size,
    done,
  };
}
