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
/** Horizons of the block-pose evidence (push): the current state's read-out, a short and a long rollout. */
export const BLOCK_HORIZONS = [0, 8, 32] as const;
type ByBlockHorizon = Record<`h${(typeof BLOCK_HORIZONS)[number]}`, { px: number; deg: number }>;
/** The features that give the block's pose relative to the agent. */
const BLOCK_POSE = ['block.dx', 'block.dy', 'block.cos', 'block.sin'] as const;

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
  /** Where the observation has a block: mean error of its probed position (pixels) and angle (degrees) after h predicted steps. */
  blockError?: ByBlockHorizon;
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
  const hasBlock = BLOCK_POSE.every((n) => model.probeLayout.names.includes(n));
  const H = hasBlock ? BLOCK_HORIZONS.at(-1)! : HORIZONS.at(-1)!;
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
      const p = model.probeInfer(s).dataSync();
      const width = model.probeLayout.size;
      let sum = 0;
      for (let i = 0; i < windows; i++) {
        const truth = (k * windows + i) * obsSize;
        sum += Math.hypot(p[i * width + px]! - x[truth + ox]!, p[i * width + py]! - x[truth + oy]!);
      }
      return (sum / windows) * positionScale;
    };
    // The block's position is the probed agent position plus the probed offset to the block.
    type Offsets = [number, number, number, number];
    const [bx, by, bc, bs] = (hasBlock ? BLOCK_POSE.map((n) => model.probeLayout.slice(n).offset) : [0, 0, 0, 0]) as Offsets;
    const [tx, ty, tc, ts] = (hasBlock ? BLOCK_POSE.map((n) => layout.slice(n).offset) : [0, 0, 0, 0]) as Offsets;
    const blockError = (s: tf.Tensor2D, k: number): { px: number; deg: number } => {
      const p = model.probeInfer(s).dataSync();
      const width = model.probeLayout.size;
      let pixels = 0;
      let radians = 0;
      for (let i = 0; i < windows; i++) {
        const truth = (k * windows + i) * obsSize;
        const row = i * width;
        pixels += Math.hypot(p[row + px]! + p[row + bx]! - x[truth + ox]! - x[truth + tx]!, p[row + py]! + p[row + by]! - x[truth + oy]! - x[truth + ty]!);
        const turn = Math.atan2(p[row + bs]!, p[row + bc]!) - Math.atan2(x[truth + ts]!, x[truth + tc]!);
        radians += Math.abs(Math.atan2(Math.sin(turn), Math.cos(turn)));
      }
      return { px: (pixels / windows) * positionScale, deg: ((radians / windows) * 180) / Math.PI };
    };
    const latentError = (s: tf.Tensor2D, k: number): number => tf.mean(tf.square(tf.sub(s, sAt(k)))).dataSync()[0]!;
    const s0 = sAt(0);
    let s = s0;
    const pred: Record<string, number> = {};
    const copy: Record<string, number> = {};
    const lat: Record<string, number> = {};
    const copyLat: Record<string, number> = {};
    const block: Record<string, { px: number; deg: number }> = {};
    if (hasBlock) block.h0 = blockError(s0, 0);
    for (let k = 1; k <= H; k++) {
      s = model.nextInfer(s, tf.tensor2d(a.subarray((k - 1) * windows * 2, k * windows * 2), [windows, 2]));
      if (hasBlock && (BLOCK_HORIZONS as readonly number[]).includes(k)) block[`h${k}`] = blockError(s, k);
      if ((HORIZONS as readonly number[]).includes(k)) {
        pred[`h${k}`] = positionError(s, k);
        copy[`h${k}`] = positionError(s0, k);
        lat[`h${k}`] = latentError(s, k);
        copyLat[`h${k}`] = latentError(s0, k);
      }
    }
    return { pred, copy, lat, copyLat, block };
  });
  return {
    effectiveRank: rank,
    minStd: spread,
    probeR2: Object.fromEntries(names.map((n, j) => [n, r2[j]!])),
    predError: result.pred as ByHorizon,
    copyLastError: result.copy as ByHorizon,
    latentError: result.lat as ByHorizon,
    copyLastLatentError: result.copyLat as ByHorizon,
    ...(hasBlock ? { blockError: result.block as ByBlockHorizon } : {}),
  };
}
