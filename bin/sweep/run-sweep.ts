// Runs a sweep's cells on a JobRunner (the local pool or a queue's workers): each cell's training job, then its evaluation episodes; a failed cell is recorded and the others go on.
import path from 'node:path';
import type { SimWithCosts } from '../../agent/cost/index.ts';
import { wilsonInterval } from '../../agent/math/wilson.ts';
import { checkpointPlanner, parseRows, type EvalPlanner, type EvalRowResult } from '../eval/episodes.ts';
import { runEvaluation } from '../eval/run-eval.ts';
import type { TrainJob, TrainJobResult } from '../jobs/jobs.ts';
import { JobError, JobsFailedError, type JobRunner } from '../jobs/runner.ts';
import { trainCheckpoint } from '../jobs/train-job.ts';
import type { CostChoice } from '../plugins.ts';
import { cells, type Cell, type SweepPlan } from './plan.ts';

export interface CellResult {
  sim: string;
  setting: string;
  seed: number;
  /** The checkpoint evaluated (the one trained, or the setting's, or the shipped one); null for a sim with none. */
  checkpoint: string | null;
  train: TrainJobResult | null;
  rows: EvalRowResult[] | null;
  error: string | null;
}

export interface SweepContext {
  plan: SweepPlan;
  runner: JobRunner;
  backend: string;
  /** The folder the training jobs write under (the shared folder, on a queue), as this machine names it. */
  artifacts: string;
  /** Each sim argument of the plan, loaded. */
  sims: ReadonlyMap<string, SimWithCosts>;
  /** The shipped checkpoint of a registered sim (none for a sim from a file). */
  shipped: (sim: SimWithCosts) => string | undefined;
  /** The costs and weights of each (sim argument, setting name), with the cost files they came from. */
  costs: ReadonlyMap<string, CostChoice & { files: string[] }>;
  onJob?: () => void;
}

export const costKey = (sim: string, setting: string): string => `${sim}\0${setting}`;

/** Where a cell's training job keeps its checkpoint, job.json and result.json. */
export const cellFolder = (artifacts: string, plan: SweepPlan, cell: Cell, simName: string): string =>
  path.join(artifacts, 'sweeps', plan.name, simName, cell.setting.name, `seed-${cell.seed}`);

/** How many jobs the sweep runs: one training job and the evaluation's episodes per cell. */
export function sweepJobCount(plan: SweepPlan): number {
  const perCell = (plan.train ? 1 : 0) + (plan.eval ? parseRows(plan.eval.only).length * plan.eval.episodes : 0);
  return cells(plan).length * perCell;
}

/** One line for a failed cell: the job's own error (and how many more failed with it). */
function cellError(e: unknown): string {
  if (e instanceof JobsFailedError) return `${e.failures[0]!.message}${e.failures.length > 1 ? ` (and ${e.failures.length - 1} more of its jobs)` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

async function runCell(context: SweepContext, cell: Cell): Promise<CellResult> {
  const { plan, runner, backend } = context;
  const sim = context.sims.get(cell.sim)!;
  const choice = context.costs.get(costKey(cell.sim, cell.setting.name))!;
  const simFile = sim.name !== cell.sim ? cell.sim : undefined;
  const costFiles = choice.files;
  const result: CellResult = { sim: sim.name, setting: cell.setting.name, seed: cell.seed, checkpoint: null, train: null, rows: null, error: null };
  const { planner, ...planning } = cell.setting.planning;
  try {
    let checkpoint: string | undefined;
    if (plan.train) {
      const job: TrainJob = {
        kind: 'train',
        backend,
        sim: sim.name,
        ...(simFile ? { simFile } : {}),
        preset: cell.setting.preset,
        ...(cell.setting.steps !== undefined ? { steps: cell.setting.steps } : {}),
        seed: cell.seed,
        ...(cell.setting.scriptedShare !== undefined ? { scriptedShare: cell.setting.scriptedShare } : {}),
        ...(Object.keys(cell.setting.planning).length > 0 ? { planning: cell.setting.planning } : {}),
        ...(costFiles.length > 0 ? { costFiles } : {}),
        ...(Object.keys({ ...choice.defaultWeights, ...choice.weights }).length > 0 ? { weights: { ...choice.defaultWeights, ...choice.weights } } : {}),
        out: cellFolder(context.artifacts, plan, cell, sim.name),
      };
      result.train = await runner.submit(job);
      context.onJob?.();
      checkpoint = trainCheckpoint(job);
    } else {
      checkpoint = cell.setting.checkpoint ?? context.shipped(sim);
    }
    result.checkpoint = checkpoint ?? null;
    if (plan.eval) {
      // `mode2` alone plans as the checkpoint does, unless the setting names a planner.
      const rows = parseRows(plan.eval.only, planner ?? (result.train?.planner as EvalPlanner | undefined) ?? checkpointPlanner(checkpoint));
      if (!checkpoint && rows.some((r) => r.agent !== 'random' && r.agent !== 'scripted')) {
        throw new Error(`no checkpoint ships for '${sim.name}': give the setting a "checkpoint", set "train": true, or evaluate only random and scripted`);
      }
      result.rows = await runEvaluation(
        {
          sim: sim.name,
          rows,
          episodes: plan.eval.episodes,
          seed: plan.train ? plan.eval.seed : cell.seed,
          ...(checkpoint ? { checkpoint } : {}),
          backend,
          deterministic: plan.eval.deterministic,
          planning,
          ...(simFile ? { simFile } : {}),
          costFiles,
          weights: choice.weights,
          defaultWeights: choice.defaultWeights,
          onEpisode: () => context.onJob?.(),
        },
        runner,
      );
    }
  } catch (e) {
    if (!(e instanceof JobError) && !(e instanceof JobsFailedError)) throw e;
    result.error = cellError(e);
  }
  return result;
}

/** Runs every cell at once (the runner queues their jobs); a cell whose jobs failed carries its error, the others their results. */
export async function runSweep(context: SweepContext): Promise<CellResult[]> {
  return Promise.all(cells(context.plan).map((cell) => runCell(context, cell)));
}

/** A row of the summary over seeds: each evaluation row's episodes pooled over the seeds of a sim and setting. */
export interface SeedSummary {
  sim: string;
  setting: string;
  agent: string;
  planner: string | null;
  seeds: number;
  successRate: number;
  successInterval: [number, number];
  /** The lowest and highest success rate of a single seed. */
  seedRange: [number, number];
  meanSteps: number;
}

/** Pools each evaluation row over the seeds of its sim and setting (cells that failed are left out). */
export function summarizeOverSeeds(results: readonly CellResult[], episodes: number): SeedSummary[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of results) if (r.rows) groups.set(`${r.sim}\0${r.setting}`, [...(groups.get(`${r.sim}\0${r.setting}`) ?? []), r]);
  return [...groups.values()].flatMap((group) =>
    group[0]!.rows!.map((row, i) => {
      const rates = group.map((c) => c.rows![i]!.successRate);
      const successes = rates.reduce((s, rate) => s + Math.round(rate * episodes), 0);
      return {
        sim: group[0]!.sim,
        setting: group[0]!.setting,
        agent: row.agent,
        planner: row.planner,
        seeds: group.length,
        successRate: successes / (episodes * group.length),
        successInterval: wilsonInterval(successes, episodes * group.length),
        seedRange: [Math.min(...rates), Math.max(...rates)] as [number, number],
        meanSteps: group.reduce((s, c) => s + c.rows![i]!.meanSteps, 0) / group.length,
      };
    }),
  );
}
