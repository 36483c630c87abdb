// The evidence that a world model learned: collapse monitors, linear-probe R², and multi-step prediction error vs copy-last.
import * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';
import type { Rng } from '../../world/rng.ts';
import { applyLinearProbe, effectiveRank, fitLinearProbe, minStd, rSquared } from '../math/linalg.ts';
import type { ShortTermMemory } from '../memory/index.ts';
import type { PerceptionEncoder } from '../perception/index.ts';
import type { HJepa } from './h-jepa.ts';
import { timeMajor } from './trainer.ts';

export const HORIZONS = [1, 4, 16] as const;
type ByHorizon = Record<`h${(typeof HORIZONS)[number]}`, number>;

export interface WorldModelEvidence {
  /** Effective rank of the covariance of s over held-out states (1 = collapsed to a line). */
  effectiveRank: number;
  /** Smallest per-dimension standard deviation of s (0 = a dead dimension). */
  minStd: number;
  /** Held-out R² of a linear probe from s, per ground-truth feature (agent position, block pose). */
  probeR2: Record<string, number>;
  /** Mean error (pixels) of the probed agent position after h predicted steps. */
  predError: ByHorizon;
  /** The same error when the state is assumed not to change (s_t+h = s_t). */
  copyLastError: ByHorizon;
  /** Mean squared error in representation space after h predicted steps. */
  latentError: ByHorizon;
  copyLastLatentError: ByHorizon;
}

/** Ground-truth features the linear probe must recover: the agent's position and, where present, the block's pose. */
export function poseFeatures(layout: FeatureLayout): string[] {
  return layout.names.filter((n) => n === 'agent.x' || n === 'agent.y' || n.startsWith('block.'));
}

/**
 * Measures a world model on held-out experience.
 * @param memory held-out episodes (not trained on) @param positionScale pixels per observation unit of agent.x
 */
export function evaluateWorldModel(
  encoder: PerceptionEncoder,
  model: HJepa,
  memory: ShortTermMemory,
  layout: FeatureLayout,
  positionScale: number,
  rng: Rng,
  windows = 256,
): WorldModelEvidence {
  const d = encoder.latent;
  const obsSize = layout.size;
  const all = memory.latest(memory.size);
  const rows = all.n;
  const S = encoder.encodeRows(all.observations, rows);

  // Step 1. Collapse monitors.
  const rank = effectiveRank(S, rows, d);
  const spread = minStd(S, rows, d);

  // Step 2. Linear probes, fitted on the first half of the states and scored on the second.
  const names = poseFeatures(layout);
  const cols = names.map((n) => layout.slice(n).offset);
  const y = new Float64Array(rows * names.length);
  for (let i = 0; i < rows; i++) cols.forEach((c, j) => (y[i * names.length + j] = all.observations[i * obsSize + c]!));
  const half = Math.floor(rows / 2);
  const probe = fitLinearProbe(S.subarray(0, half * d), y.subarray(0, half * names.length), half, d, names.length);
  const r2 = rSquared(applyLinearProbe(probe, S.subarray(half * d), rows - half), y.subarray(half * names.length), rows - half, names.length);

  // Step 3. Open-loop prediction with the true actions and z = 0, against copying the last state.
  const H = HORIZONS.at(-1)!;
  const batch = memory.sample(H + 1, windows, rng);
  const x = timeMajor(batch.observations, windows, H + 1, obsSize);
  const a = timeMajor(batch.actions, windows, H + 1, model.actionSize);
  const px = model.probeLayout.slice('agent.x').offset;
  const py = model.probeLayout.slice('agent.y').offset;
  const ox = layout.slice('agent.x').offset;
  const oy = layout.slice('agent.y').offset;
  const sTrue = encoder.encodeRows(x, windows * (H + 1));
  const result = tf.tidy(() => {
    const sAt = (k: number): tf.Tensor2D => tf.tensor2d(sTrue.subarray(k * windows * d, (k + 1) * windows * d), [windows, d]);
    const positionError = (s: tf.Tensor2D, k: number): number => {
      const p = model.probeNet.infer(s).dataSync();
      const width = model.probeLayout.size;
      let sum = 0;
      for (let i = 0; i < windows; i++) {
        const truth = (k * windows + i) * obsSize;
        sum += Math.hypot(p[i * width + px]! - x[truth + ox]!, p[i * width + py]! - x[truth + oy]!);
      }
      return (sum / windows) * positionScale;
    };
    const latentError = (s: tf.Tensor2D, k: number): number => tf.mean(tf.square(tf.sub(s, sAt(k)))).dataSync()[0]!;
    const s0 = sAt(0);
    let s = s0;
    const pred: Record<string, number> = {};
    const copy: Record<string, number> = {};
    const lat: Record<string, number> = {};
    const copyLat: Record<string, number> = {};
    for (let k = 1; k <= H; k++) {
      s = model.nextInfer(s, tf.tensor2d(a.subarray((k - 1) * windows * 2, k * windows * 2), [windows, 2]));
      if ((HORIZONS as readonly number[]).includes(k)) {
        pred[`h${k}`] = positionError(s, k);
        copy[`h${k}`] = positionError(s0, k);
        lat[`h${k}`] = latentError(s, k);
        copyLat[`h${k}`] = latentError(s0, k);
      }
    }
    return { pred, copy, lat, copyLat };
  });
  return {
    effectiveRank: rank,
    minStd: spread,
    probeR2: Object.fromEntries(names.map((n, j) => [n, r2[j]!])),
    predError: result.pred as ByHorizon,
    copyLastError: result.copy as ByHorizon,
    latentError: result.lat as ByHorizon,
    copyLastLatentError: result.copyLat as ByHorizon,
  };
}
