// Runs every row of an evaluation over fixed seeds, serially or on a worker-thread pool (one worker per core).
import os from 'node:os';
import { Piscina } from 'piscina';
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import { deriveSeed } from '../../world/seeds.ts';
import { runEvalEpisode, summarizeRow, taskPlugins, type EpisodeOutcome, type EpisodeTask, type EvalRowResult, type EvalRowSpec } from './episodes.ts';

export interface EvalOptions {
  sim: string;
  rows: readonly EvalRowSpec[];
  episodes: number;
  seed: number;
  checkpoint?: string;
  backend: string;
  /** 0 runs in this thread; default: one worker per core. */
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

export async function runEvaluation(options: EvalOptions): Promise<EvalRowResult[]> {
  const tasks: EpisodeTask[] = options.rows.flatMap((row) =>
    Array.from({ length: options.episodes }, (_, i) => ({
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
    })),
  );
  // Never more threads than episodes: each one starts a backend and loads the checkpoint.
  const workers = Math.min(options.workers ?? os.availableParallelism(), tasks.length);
  let outcomes: EpisodeOutcome[];
  if (workers === 0) {
    outcomes = [];
    for (const t of tasks) {
      outcomes.push(runEvalEpisode(t, await taskPlugins(t)));
      options.onEpisode?.();
    }
  } else {
    // Compiled, the worker is JavaScript; from source it needs tsx, by its full path (the user may run from a folder
    // where 'tsx' does not resolve).
    const source = import.meta.url.endsWith('.ts');
    const pool = new Piscina({
      filename: new URL(source ? './worker.ts' : './worker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      execArgv: source ? ['--import', import.meta.resolve('tsx')] : [],
    });
    const settled = await Promise.allSettled(
      tasks.map(async (t) => {
        const o = (await pool.run({ ...t, backend: options.backend })) as EpisodeOutcome;
        options.onEpisode?.();
        return o;
      }),
    );
    await pool.destroy();
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    outcomes = settled.map((s) => (s as PromiseFulfilledResult<EpisodeOutcome>).value);
  }
  return options.rows.map((row, r) => summarizeRow(row, outcomes.slice(r * options.episodes, (r + 1) * options.episodes)));
}
