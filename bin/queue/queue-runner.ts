// The queue transport of jobs (enqueuing side): adds each job under an id keyed by its content, waits for its result from any worker, and survives Redis restarts and lost jobs.
import { Job as BullJob, Queue, QueueEvents } from 'bullmq';
import { jobFiles, mapJobFiles, type Job, type JobResult } from '../jobs/jobs.ts';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../jobs/package.ts';
import { JobError, type JobRunner } from '../jobs/runner.ts';
import { checkRedis, openRedis, QUEUE_NAME, QUEUE_PREFIX } from './connection.ts';
import { fingerprint, toReference, type FileContext } from './files.ts';
import { jobId, refusalsKey, type QueuedJob, type Refusal } from './protocol.ts';
import type { QueueTarget } from './url.ts';

export interface QueueRunnerOptions {
  target: QueueTarget;
  /** The shared folder on this machine (`--artifacts`): files under it travel as references every worker resolves. */
  artifacts?: string;
  /** Notes for the user (stderr): an outage, no worker connected, a worker's refusal. */
  log: (line: string) => void;
  /** Called once for each job that fails, as it fails. */
  onFailure?: (error: JobError) => void;
  /** How often pending jobs are checked beside the completion events (ms). */
  pollMs?: number;
  /** After how long without any connected worker the user is told to start one (ms). */
  noWorkerNoteMs?: number;
}

interface Pending {
  job: Job;
  data: QueuedJob;
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: JobError) => void;
  settled: boolean;
  /** A failed job left by an earlier run is retried once by this run. */
  retried: boolean;
}

export interface QueueRunner extends JobRunner {
  /** The number of workers connected to the queue now (null when the server hides its client list). */
  workers(): Promise<number | null>;
}

/** Connects (failing fast, in words, when Redis is unreachable) and returns a JobRunner whose jobs run on the queue's workers. */
export async function openQueueRunner(options: QueueRunnerOptions): Promise<QueueRunner> {
  const { target, log } = options;
  await checkRedis(target);
  const connection = openRedis(target, log);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(QUEUE_NAME, { connection: { ...target.redis, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(100 * n, 2000) }, prefix: QUEUE_PREFIX });
  // Their connection errors repeat the one the shared connection already reported.
  queue.on('error', () => {});
  events.on('error', () => {});
  const context: FileContext = { ...(options.artifacts ? { artifacts: options.artifacts } : {}), packageRoot: PACKAGE_ROOT };
  const pending = new Map<string, Pending>();
  const collected: string[] = [];
  const seenRefusals = new Set<string>();
  let closed = false;
  const started = Date.now();
  let reusedNote = false;
  let lostNote = false;

  const add = (id: string, data: QueuedJob) => queue.add(data.job.kind, data, { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });

  const settle = (id: string, outcome: { value: unknown } | { error: JobError }): void => {
    const p = pending.get(id);
    if (!p || p.settled) return;
    p.settled = true;
    pending.delete(id);
    if ('value' in outcome) {
      collected.push(id);
      p.resolve(outcome.value);
    } else {
      options.onFailure?.(outcome.error);
      p.reject(outcome.error);
    }
  };

  /**
   * Looks at a pending job and settles it when it has finished; re-adds it when Redis no longer has it. A job that
   * failed in an earlier run of the same jobs (before this runner started) is retried once.
   */
  const look = async (id: string): Promise<void> => {
    const p = pending.get(id);
    if (!p || p.settled) return;
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') {
      const job = await BullJob.fromId(queue, id);
      if (!job) return;
      const earlier = job.timestamp < started;
      if (state === 'completed') {
        if (earlier && !reusedNote) {
          reusedNote = true;
          log(`some of these jobs were already done on ${target.display} (an earlier run of the same jobs that did not finish): their results are used`);
        }
        settle(id, { value: job.returnvalue });
      } else if (earlier && !p.retried) {
        p.retried = true;
        await job.retry('failed');
      } else settle(id, { error: new JobError(job.failedReason || 'failed without a reason', p.job, id, job.processedBy ?? null) });
    } else if (state === 'unknown') {
      if (!lostNote) log(`the queue at ${target.display} lost jobs it held (a Redis restart without persistence?); adding them again`);
      lostNote = true;
      await add(id, p.data);
    }
  };

  /** Looks of one job run one after another (an event, a poll and a submit may ask at once), so a retry is decided once. */
  const looking = new Map<string, Promise<void>>();
  const check = (id: string): Promise<void> => {
    const next = (looking.get(id) ?? Promise.resolve()).then(() => look(id));
    const tracked = next
      .catch(() => {})
      .finally(() => {
        if (looking.get(id) === tracked) looking.delete(id);
      });
    looking.set(id, tracked);
    return next;
  };

  events.on('completed', ({ jobId: id }) => void check(id).catch(() => {}));
  events.on('failed', ({ jobId: id }) => void check(id).catch(() => {}));

  // Beside the events (which a restart or an outage can miss): every pending job is looked at now and then; so are
  // refusals and whether any worker is connected.
  let noWorkerSince: number | null = null;
  let noWorkerSaid = false;
  const poll = async (): Promise<void> => {
    for (const id of [...pending.keys()]) await check(id);
    const refusals = await connection.hgetall(refusalsKey(QUEUE_PREFIX, QUEUE_NAME));
    for (const [worker, text] of Object.entries(refusals)) {
      if (seenRefusals.has(`${worker}${text}`)) continue;
      seenRefusals.add(`${worker}${text}`);
      const r = JSON.parse(text) as Refusal;
      if (Date.parse(r.at) >= started - 1000) log(`worker ${r.worker} (autonomy ${r.version}) refused jobs and stopped: ${r.reason}`);
    }
    const count = pending.size > 0 ? await runner.workers() : null;
    if (count === 0) {
      noWorkerSince ??= Date.now();
      if (!noWorkerSaid && Date.now() - noWorkerSince >= (options.noWorkerNoteMs ?? 10_000)) {
        noWorkerSaid = true;
        log(`no worker is connected to ${target.display}; start one on each machine with \`autonomy worker --queue ${target.display}\` (docs/scale-out.md)`);
      }
    } else noWorkerSince = null;
  };
  // One look at a time: a slow one (many jobs, a distant Redis) delays the next rather than piling up behind it.
  let polling: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (closed || polling) return;
    polling = poll()
      .catch(() => {})
      .finally(() => (polling = null));
  }, options.pollMs ?? 1000);

  const runner: QueueRunner = {
    async submit<J extends Job>(job: J): Promise<JobResult<J>> {
      const portable = mapJobFiles(job, (file) => toReference(file, context));
      const fingerprints: Record<string, string> = {};
      for (const file of jobFiles(job).reads) {
        const value = fingerprint(file);
        if (value !== null) fingerprints[toReference(file, context)] = value;
      }
      const data: QueuedJob = { version: PACKAGE_VERSION, job: portable, fingerprints };
      const id = jobId(data);
      const existing = pending.get(id);
      if (existing) return existing.promise as Promise<JobResult<J>>;
      let resolve!: (value: unknown) => void;
      let reject!: (error: JobError) => void;
      const promise = new Promise<unknown>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      pending.set(id, { job, data, promise, resolve, reject, settled: false, retried: false });
      await add(id, data);
      await check(id);
      return promise as Promise<JobResult<J>>;
    },
    async workers() {
      try {
        return await queue.getWorkersCount();
      } catch {
        return null;
      }
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await polling;
      // The results are collected: their jobs leave the queue (failed ones stay, for `autonomy queue status`).
      for (const id of collected) await queue.remove(id).catch(() => 0);
      await events.close();
      await queue.close();
      connection.disconnect();
    },
  };
  return runner;
}
