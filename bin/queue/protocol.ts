// What a queued job holds (the enqueuer's package version, the job with file references, fingerprints) and the id that keys its result.
import crypto from 'node:crypto';
import type { Job } from '../jobs/jobs.ts';

/** The data of a BullMQ job of ours. */
export interface QueuedJob {
  /** The package version that enqueued the job; a worker of another version refuses it. */
  version: string;
  /** The job, its files as references (see files.ts). */
  job: Job;
  /** Reference → fingerprint of each file or folder the job reads, as the enqueuing machine saw it. */
  fingerprints: Record<string, string>;
}

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * The job's id: its kind and a hash of everything it depends on (version, input, the contents of what it reads). The
 * same job always gets the same id, so adding it twice adds it once, and its result is stored once, under that id.
 */
export function jobId(data: QueuedJob): string {
  return `${data.job.kind}-${crypto.createHash('sha256').update(canonicalJson(data)).digest('hex').slice(0, 32)}`;
}

/** The Redis hash (beside the queue's keys) where a worker that refused jobs says why, for enqueuers and `queue status`. */
export const refusalsKey = (prefix: string, queue: string): string => `${prefix}:${queue}:refusals`;

/** A worker's refusal, as stored in the refusals hash (field: the worker's name). */
export interface Refusal {
  worker: string;
  version: string;
  reason: string;
  at: string;
}
