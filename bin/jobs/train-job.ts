// A training run as a job: plain settings in, the run's summary out; its checkpoint goes to a folder of its own, resumed or reused when the job runs again.
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import { checkCheckpointTarget, readCheckpointManifest } from '../../agent/checkpoint.ts';
import { readTrainingMeta } from '../../agent/training/resume.ts';
import { METRICS, PRESETS, trainRun, type TrainRunResult } from '../../agent/training/training-run.ts';
import type { TaskPlugins } from '../eval/episodes.ts';

export type PresetName = keyof typeof PRESETS;

/** A training run: everything it depends on, as plain data (files by path). */
export interface TrainJob {
  kind: 'train';
  backend: string;
  sim: string;
  /** The sim's file, when it is not a registered sim. */
  simFile?: string;
  preset: PresetName;
  /** World-model steps (default: the preset's). */
  steps?: number;
  seed: number;
  scriptedShare?: number;
  /** Planning settings; they become the checkpoint's. */
  planning?: Partial<PlanningConfig>;
  costFiles?: string[];
  /** Cost weights u_i (the plug-ins' defaults included). */
  weights?: Record<string, number>;
  /** The job's folder: it gets `checkpoint/`, `job.json` (the job) and `result.json` (its summary). */
  out: string;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
const roundAll = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));

/** What `autonomy train --json` prints about a finished run (its agent is disposed of here). */
export function trainSummary(result: TrainRunResult, about: { sim: string; preset: string; backend: string; out: string | null; seconds: number }) {
  const { evidence } = result;
  const summary = {
    sim: about.sim,
    preset: about.preset,
    backend: about.backend,
    out: about.out,
    transitions: result.transitions,
    steps: result.steps,
    effectiveRank: round(evidence.effectiveRank),
    minStd: round(evidence.minStd),
    probeR2: roundAll(evidence.probeR2),
    predError: roundAll(evidence.predError),
    copyLastError: roundAll(evidence.copyLastError),
    latentError: roundAll(evidence.latentError),
    copyLastLatentError: roundAll(evidence.copyLastLatentError),
    ...(evidence.blockError ? { blockError: Object.fromEntries(Object.entries(evidence.blockError).map(([h, e]) => [h, roundAll(e)])) } : {}),
    transitionsPerSecond: Math.round(result.transitionsPerSecond),
    probeLoss: result.probeLoss === null ? null : round(result.probeLoss),
    criticLoss: result.criticLoss === null ? null : round(result.criticLoss),
    goalCritic: result.goalCritic === null ? null : roundAll({ ...result.goalCritic }),
    distill: result.distill.map((r) => ({ ...r, loss: round(r.loss) })),
    costWeights: { ...result.agent.settings.weights },
    seconds: Math.round(about.seconds * 10) / 10,
    phaseSeconds: result.phaseSeconds,
  };
  result.agent.dispose();
  return summary;
}

export type TrainSummary = ReturnType<typeof trainSummary>;
/**
 * A training job's result: the summary without the folder (which is named differently on each machine), and the
 * planner the checkpoint plans with (what `mode2` alone evaluates).
 */
export type TrainJobResult = Omit<TrainSummary, 'out'> & { planner: string };

/** The checkpoint folder inside a training job's folder. */
export const trainCheckpoint = (job: Pick<TrainJob, 'out'>): string => path.join(job.out, 'checkpoint');

/** What makes two training jobs the same run: everything but where it is written. */
const identity = (job: TrainJob): Omit<TrainJob, 'out'> => {
  const { out: _out, ...rest } = job;
  return JSON.parse(JSON.stringify(rest)) as Omit<TrainJob, 'out'>;
};

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
};

/** Writes a file whole or not at all (a temporary file renamed over it). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Runs a training job (the backend must be initialised). The same job run again returns the summary its folder holds
 * (training is not repeated); a job stopped midway (its worker killed, or Ctrl-C twice) resumes from its last
 * checkpoint and ends as the uninterrupted run would have. A folder holding another job's run, or anything else, is
 * refused and left as it is.
 */
export function runTrainJob(job: TrainJob, plugins: TaskPlugins): TrainJobResult {
  const { sim, extraCosts } = plugins;
  const jobFile = path.join(job.out, 'job.json');
  const resultFile = path.join(job.out, 'result.json');
  const checkpoint = trainCheckpoint(job);
  const mine = identity(job);
  const done = readJson(resultFile) as { job?: unknown; summary?: TrainJobResult } | undefined;
  if (done && isDeepStrictEqual(done.job, mine) && done.summary) return done.summary;
  if (fs.existsSync(job.out)) {
    const recorded = readJson(jobFile);
    if (recorded === undefined && fs.readdirSync(job.out).length > 0) {
      throw new Error(`training job folder '${job.out}' holds files that are not a training job's (no job.json); move them away or train elsewhere`);
    }
    if (recorded !== undefined && !isDeepStrictEqual(recorded, mine)) {
      throw new Error(`training job folder '${job.out}' holds the run of another job (its job.json differs: ${JSON.stringify(recorded)}); remove the folder, or give this sweep another name`);
    }
  }
  fs.mkdirSync(job.out, { recursive: true });
  writeAtomic(jobFile, JSON.stringify(mine, null, 2) + '\n');
  // An earlier attempt of this very job that stopped midway left a checkpoint to resume.
  const target = checkCheckpointTarget(checkpoint, [METRICS]);
  let resume: string | undefined;
  if (target.kind === 'checkpoint') {
    const training = readTrainingMeta(checkpoint, readCheckpointManifest(checkpoint).meta);
    if (!training.finished && training.step > 0) resume = checkpoint;
  }
  const preset = { ...PRESETS[job.preset], ...(job.steps !== undefined ? { steps: job.steps } : {}) };
  const planning = job.planning ?? {};
  const weights = job.weights ?? {};
  const started = performance.now();
  const result = trainRun({
    sim,
    preset,
    presetName: job.preset,
    seed: job.seed,
    out: checkpoint,
    ...(resume ? { resume } : {}),
    scriptedShare: job.scriptedShare ?? 0,
    ...(extraCosts.length > 0 ? { extraCosts } : {}),
    ...(!resume && (Object.keys(planning).length > 0 || Object.keys(weights).length > 0)
      ? { config: { ...(Object.keys(planning).length > 0 ? { planning } : {}), ...(Object.keys(weights).length > 0 ? { cost: { weights } } : {}) } }
      : {}),
  });
  // The folder is the caller's to name (it differs between machines); the summary holds what the run measured.
  const planner = result.agent.config.planning.planner;
  const { out: _out, ...rest } = trainSummary(result, { sim: job.sim, preset: job.preset, backend: job.backend, out: null, seconds: (performance.now() - started) / 1000 });
  const summary: TrainJobResult = { ...rest, planner };
  writeAtomic(resultFile, JSON.stringify({ job: mine, summary }, null, 2) + '\n');
  return summary;
}
