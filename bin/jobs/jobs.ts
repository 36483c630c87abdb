// The jobs of autonomy (an evaluation episode, a training run, an ablation variant): plain data in, plain data out, the same function wherever it runs.
import { initBackend } from '../../agent/tensor/backend.ts';
import { runEvalEpisode, taskPlugins, type EpisodeOutcome, type EpisodeTask } from '../eval/episodes.ts';
import { runAblateJob, type AblateJob, type AblationRow } from './ablate-job.ts';
import { runTrainJob, type TrainJob, type TrainJobResult } from './train-job.ts';

/** One evaluation episode. */
export interface EvalJob {
  kind: 'eval';
  backend: string;
  task: EpisodeTask;
}

export type { AblateJob, AblationRow, TrainJob, TrainJobResult };

export type Job = EvalJob | TrainJob | AblateJob;
export type JobKind = Job['kind'];

/** What each kind of job returns. */
export interface JobResults {
  eval: EpisodeOutcome;
  train: TrainJobResult;
  ablate: AblationRow;
}
export type JobResult<J extends Job = Job> = JobResults[J['kind']];

export const JOB_KINDS: readonly JobKind[] = ['eval', 'train', 'ablate'];

/** The files a job reads or writes, by field: what a queue must carry as references a worker can resolve. */
export interface JobFiles {
  /** Files and folders the job reads (a checkpoint, a sim file, cost files). */
  reads: string[];
  /** The folder it writes (a training job's). */
  writes: string | null;
}

export function jobFiles(job: Job): JobFiles {
  switch (job.kind) {
    case 'eval':
      return { reads: [...(job.task.checkpoint ? [job.task.checkpoint] : []), ...(job.task.simFile ? [job.task.simFile] : []), ...(job.task.costFiles ?? [])], writes: null };
    case 'train':
      return { reads: [...(job.simFile ? [job.simFile] : []), ...(job.costFiles ?? [])], writes: job.out };
    case 'ablate':
      return { reads: job.simFile ? [job.simFile] : [], writes: null };
  }
}

/** The same job with every file path passed through `map` (to references on a queue, and back to paths on a worker). */
export function mapJobFiles<J extends Job>(job: J, map: (file: string) => string): J {
  switch (job.kind) {
    case 'eval': {
      const t = job.task;
      return {
        ...job,
        task: { ...t, ...(t.checkpoint ? { checkpoint: map(t.checkpoint) } : {}), ...(t.simFile ? { simFile: map(t.simFile) } : {}), ...(t.costFiles ? { costFiles: t.costFiles.map(map) } : {}) },
      };
    }
    case 'train':
      return { ...job, ...(job.simFile ? { simFile: map(job.simFile) } : {}), ...(job.costFiles ? { costFiles: job.costFiles.map(map) } : {}), out: map(job.out) };
    case 'ablate':
      return { ...job, ...(job.simFile ? { simFile: map(job.simFile) } : {}) };
  }
  return job;
}

/** One line saying what a job is, for progress and error messages. */
export function describeJob(job: Job): string {
  switch (job.kind) {
    case 'eval':
      return `eval ${job.task.sim} ${job.task.row.agent}${job.task.row.planner ? `:${job.task.row.planner}` : ''} seed ${job.task.seed}`;
    case 'train':
      return `train ${job.sim} --preset ${job.preset}${job.steps !== undefined ? ` --steps ${job.steps}` : ''} --seed ${job.seed}`;
    case 'ablate':
      return `ablate ${job.sim} '${job.variant}' (${job.steps} steps, seed ${job.seed})`;
  }
}

/**
 * Runs a job in this thread: initialises its tfjs backend (once per thread), loads the plug-ins it names (cached per
 * thread), and calls the kind's function. The local worker pool and the queue's workers both run jobs through here.
 */
export async function runJob<J extends Job>(job: J): Promise<JobResult<J>> {
  await initBackend(job.backend);
  const sim = job.kind === 'eval' ? job.task.sim : job.sim;
  const simFile = job.kind === 'eval' ? job.task.simFile : job.simFile;
  const costFiles = job.kind === 'eval' ? job.task.costFiles : job.kind === 'train' ? job.costFiles : undefined;
  const plugins = await taskPlugins({ sim, ...(simFile ? { simFile } : {}), ...(costFiles ? { costFiles } : {}) });
  switch (job.kind) {
    case 'eval':
      return runEvalEpisode(job.task, plugins) as JobResult<J>;
    case 'train':
      return runTrainJob(job, plugins) as JobResult<J>;
    case 'ablate':
      return runAblateJob(job, plugins) as JobResult<J>;
  }
  throw new Error(`unknown job kind '${(job as { kind: unknown }).kind}'; kinds: ${JOB_KINDS.join(', ')}`);
}
