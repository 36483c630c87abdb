// One world-model ablation variant as a job: a sim, a variant and a step count in, the collapse monitors and the evidence out.
import { DEFAULT_LOSS_WEIGHTS, type LossWeights } from '../../agent/world-model/trainer.ts';
import type { WorldModelEvidence } from '../../agent/world-model/index.ts';
import { ABLATIONS, PRESETS, trainRun } from '../../agent/training/training-run.ts';
import type { TaskPlugins } from '../eval/episodes.ts';

export interface AblateJob {
  kind: 'ablate';
  backend: string;
  sim: string;
  simFile?: string;
  /** A name of ABLATIONS. */
  variant: string;
  steps: number;
  seed: number;
}

export interface AblationRow {
  variant: string;
  weights: LossWeights;
  effectiveRank: number;
  minStd: number;
  probeR2: Record<string, number>;
  predError: WorldModelEvidence['predError'];
  copyLastError: WorldModelEvidence['copyLastError'];
}

/** Trains the world model of the quick preset for `steps` with the variant's loss weights (no probes, critics or distillation). */
export function runAblateJob(job: AblateJob, { sim }: TaskPlugins): AblationRow {
  const change = ABLATIONS[job.variant];
  if (!change) throw new Error(`unknown ablation variant '${job.variant}'; variants: ${Object.keys(ABLATIONS).join(', ')}`);
  const weights = { ...DEFAULT_LOSS_WEIGHTS, ...change };
  const quick = PRESETS.quick;
  const result = trainRun({ sim, preset: { ...quick, steps: job.steps, probeSteps: 0, criticSteps: 0, distill: { ...quick.distill, rounds: 0 } }, presetName: 'quick', seed: job.seed, weights });
  result.agent.dispose();
  const e = result.evidence;
  return { variant: job.variant, weights, effectiveRank: e.effectiveRank, minStd: e.minStd, probeR2: e.probeR2, predError: e.predError, copyLastError: e.copyLastError };
}
