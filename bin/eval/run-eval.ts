// Runs every row of an evaluation over fixed seeds: serially, on a worker-thread pool (one worker per core), or on any JobRunner (a queue's workers).
import os from 'node:os';
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import { deriveSeed } from '../../world/seeds.ts';
import { runJob, type EvalJob } from '../jobs/jobs.ts';
import { JobError, JobsFailedError, poolRunner, type JobRunner } from '../jobs/runner.ts';
import { summarizeRow, type EpisodeOutcome, type EpisodeTask, type EvalRowResult, type EvalRowSpec } from './episodes.ts';

export interface EvalOptions {
  sim: string;
  rows: readonly EvalRowSpec[];
  episodes: number;
  seed: number;
  checkpoint?: string;
  backend: string;
  /** 0 runs in this thread; default: one worker per core. Ignored when a runner is given. */
  workers?: number;
  deterministic?: boolean;
  /** Planning settings over the checkpoint's (the row's planner aside). */
  planning?: Partial<PlanningConfig>;
  /** The sim's file, when `sim` names a sim loaded from one. */
  simFile?: string;
  /** Intrinsic-cost plug-in files, and weights over the checkpoint's or the sim's. */
  costFiles?: string[];
  weights?: Record<string, number>;
  /** Weights for plug-ins the checkpoint does not weigh. */
  defaultWeights?: Record<string, number>;
  onEpisode?: () => void;
}

/** The evaluation's episodes as jobs, row by row, episode i of each row on seed `deriveSeed(seed, 'episode', i)`. */
export function evalJobs(options: EvalOptions): EvalJob[] {
  return options.rows.flatMap((row) =>
    Array.from({ length: options.episodes }, (_, i): EvalJob => {
      const task: EpisodeTask = {
        sim: options.sim,
        row,
        seed: deriveSeed(options.seed, 'episode', i),
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.deterministic ? { deterministic: true } : {}),
        ...(options.planning && Object.keys(options.planning).length > 0 ? { planning: options.planning } : {}),
        ...(options.simFile ? { simFile: options.simFile } : {}),
        ...(options.costFiles && options.costFiles.length > 0 ? { costFiles: options.costFiles } : {}),
        ...(options.weights && Object.keys(options.weights).length > 0 ? { weights: options.weights } : {}),
        ...(options.defaultWeights && Object.keys(options.defaultWeights).length > 0 ? { defaultWeights: options.defaultWeights } : {}),
      };
      return { kind: 'eval', backend: options.backend, task };
    }),
  );
}

/**
 * Runs the evaluation and summarises each row. Without a runner: in this thread (`workers: 0`, stopping at the first
 * failure) or on a pool of worker threads. On a runner whose jobs fail with JobErrors (a queue), every other job still
 * finishes and a JobsFailedError lists the failures.
 */
export async function runEvaluation(options: EvalOptions, runner?: JobRunner): Promise<EvalRowResult[]> {
  const jobs = evalJobs(options);
  let outcomes: EpisodeOutcome[];
  // Never more threads than episodes: each one starts a backend and loads the checkpoint.
  const workers = Math.min(options.workers ?? os.availableParallelism(), jobs.length);
  if (!runner && workers === 0) {
    outcomes = [];
    for (const job of jobs) {
      outcomes.push(await runJob(job));
      options.onEpisode?.();
    }
  } else {
    const transport = runner ?? poolRunner(workers);
    const settled = await Promise.allSettled(
      jobs.map(async (job) => {
        const outcome = await transport.submit(job);
        options.onEpisode?.();
        return outcome;
      }),
    );
    if (!runner) await transport.close();
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failures.length > 0) {
      if (failures.every((f) => f instanceof JobError)) throw new JobsFailedError(failures, jobs.length);
      throw failures[0];
    }
    outcomes = settled.map((s) => (s as PromiseFulfilledResult<EpisodeOutcome>).value);
  }
  return options.rows.map((row, r) => summarizeRow(row, outcomes.slice(r * options.episodes, (r + 1) * options.episodes)));
}
