// What a training checkpoint records about its run, and how `--resume` continues that same run (or refuses, saying why).
import { z } from 'zod';
import type { RngState } from '../../world/rng.ts';
import type { LossWeights } from '../world-model/index.ts';

/** Training state carried in a checkpoint's metadata so `--resume` continues the same run. */
export interface TrainingMeta {
  /** World-model steps done. */
  step: number;
  preset: string;
  seed: number;
  weights: LossWeights;
  /** Share of scripted exploration episodes in the memory; absent means 0 (momentum only). */
  scriptedShare?: number;
  /** The run's world-model steps in all (absent in checkpoints written before it was recorded). */
  steps?: number;
  /** True once every phase has run and the final checkpoint is written. */
  finished?: boolean;
  /** Where the minibatch stream is, so a resumed run draws the batches the uninterrupted one would have. */
  batchRng?: RngState;
}

const rngState = z.object({ words: z.tuple([z.number(), z.number(), z.number(), z.number()]), spareNormal: z.number().nullable() });

const trainingMetaSchema = z.object({
  step: z.number().int().min(0),
  preset: z.string(),
  seed: z.number().int().min(0),
  weights: z.record(z.string(), z.number()),
  scriptedShare: z.number().min(0).max(1).optional(),
  steps: z.number().int().min(1).optional(),
  finished: z.boolean().optional(),
  batchRng: rngState.optional(),
});

/** The training state of a checkpoint's metadata, checked; throws naming the folder when it has none or a damaged one. */
export function readTrainingMeta(dir: string, meta: Record<string, unknown>): TrainingMeta {
  if (meta.training === undefined) throw new Error(`'${dir}' has no training state to resume: it was not written by \`autonomy train\``);
  const parsed = trainingMetaSchema.safeParse(meta.training);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`'${dir}' has a damaged training state in checkpoint.json (training.${issue.path.join('.')}: ${issue.message}); it cannot be resumed`);
  }
  return parsed.data as unknown as TrainingMeta;
}

/** What the command line asked for; undefined is "not given". */
export interface ResumeRequest {
  preset?: string;
  steps?: number;
  seed?: number;
  scriptedShare?: number;
}

/** The run to continue: its settings, all from the checkpoint, and the step count to reach. */
export interface ResumePlan {
  presetName: string;
  /** World-model steps to reach. */
  steps: number;
  seed: number;
  scriptedShare: number;
  /** The step the checkpoint is at. */
  from: number;
}

/**
 * Continues the run saved in `dir`: seed, preset and exploration mix come from the checkpoint, a flag that says
 * otherwise is refused, and the step count only goes forward (to the run's own total unless --steps asks for more).
 * @param presetSteps each known preset's step count, for checkpoints that do not record their total
 */
export function planResume(dir: string, training: TrainingMeta, request: ResumeRequest, presetSteps: Readonly<Record<string, number>>): ResumePlan {
  const conflict = (flag: string, given: unknown, saved: unknown): Error =>
    new Error(`${flag} ${String(given)} conflicts with the run in '${dir}', which was trained with ${flag} ${String(saved)}; a resumed run keeps its settings, so drop ${flag} (or give ${flag} ${String(saved)})`);
  if (request.preset !== undefined && request.preset !== training.preset) throw conflict('--preset', request.preset, training.preset);
  if (request.seed !== undefined && request.seed !== training.seed) throw conflict('--seed', request.seed, training.seed);
  const share = training.scriptedShare ?? 0;
  if (request.scriptedShare !== undefined && request.scriptedShare !== share) throw conflict('--scripted-share', request.scriptedShare, share);
  const presetTotal = presetSteps[training.preset];
  if (presetTotal === undefined) {
    throw new Error(`'${dir}' was trained with preset '${training.preset}', which this autonomy does not have (presets: ${Object.keys(presetSteps).join(', ')}); it cannot be resumed here`);
  }
  const total = training.steps ?? presetTotal;
  const { step } = training;
  if (request.steps !== undefined && request.steps < step) {
    throw new Error(`--steps ${request.steps} would go back: '${dir}' is at step ${step}, and a resumed run only goes forward; give --steps ${step} or more, or omit --steps to finish its ${total} steps`);
  }
  const steps = request.steps ?? total;
  if (training.finished && steps <= step) {
    throw new Error(`'${dir}' is a finished run of ${step} steps; to train it further give --steps N with N > ${step}`);
  }
  return { presetName: training.preset, steps, seed: training.seed, scriptedShare: share, from: step };
}
