// One self-supervised training step of the H-JEPA: multi-step prediction in representation space kept from collapse by VICReg.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';
import { covarianceLoss, varianceLoss } from '../math/vicreg.ts';
import type { MemoryBatch } from '../memory/index.ts';
import type { PerceptionEncoder } from '../perception/index.ts';
import type { HJepa } from './h-jepa.ts';

/** Loss weights; 0 switches a term off (ablations). Defaults follow VICReg: λ = 25, μ = 25, ν = 1. */
export interface LossWeights {
  /** λ: multi-step prediction (invariance) error in representation space. */
  prediction: number;
  /** μ: variance hinge on the expanded embeddings. */
  variance: number;
  /** ν: off-diagonal covariance of the expanded embeddings. */
  covariance: number;
  /** Inverse dynamics: predict a_t from (s_t, s_t+1). */
  inverse: number;
  /** Temporal smoothness ‖s_t+1 − s_t‖². */
  smoothness: number;
  /** R(z): L2 penalty limiting the information z carries. */
  latentVariable: number;
  /** Level 2: prediction, variance and covariance share λ, μ, ν scaled by this. */
  level2: number;
  /**
   * State head: the probe heads decode the observation features from s and from every predicted ŝ of the rollout,
   * with the gradient flowing into the encoder and the predictor, so the latent carries those features precisely.
   * Absent or 0 (the default) keeps the probes pure read-outs.
   */
  state?: number;
}

export const DEFAULT_LOSS_WEIGHTS: Readonly<LossWeights> = Object.freeze({
  prediction: 25,
  variance: 25,
  covariance: 1,
  inverse: 1,
  smoothness: 0.1,
  latentVariable: 1,
  level2: 0.5,
});

/** Every loss term of a step; `state` only when the state head is on. */
export type LossReport = Record<'total' | 'prediction' | 'variance' | 'covariance' | 'inverse' | 'smoothness' | 'latentVariable' | 'level2' | 'probe' | 'probe2', number> & { state?: number };

/** Identity forward, zero gradient: the probe heads learn from s without shaping it. */
const stopGradient = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.zerosLike(dy as tf.Tensor)] };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(x: T) => T;

/** Reorders a [n, len, size] sequence-major buffer into time-major [len, n, size]. */
export function timeMajor(values: Float32Array, n: number, len: number, size: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < len; k++) out.set(values.subarray((i * len + k) * size, (i * len + k + 1) * size), (k * n + i) * size);
  }
  return out;
}

export class WorldModelTrainer {
  readonly optimizer: tf.Optimizer;
  /** What the optimiser updates, in the order it is given them (its state follows this order). */
  readonly variables: readonly tf.Variable[];

  constructor(
    readonly encoder: PerceptionEncoder,
    readonly model: HJepa,
    readonly weights: Readonly<LossWeights> = DEFAULT_LOSS_WEIGHTS,
    learningRate = 1e-3,
  ) {
    this.optimizer = tf.train.adam(learningRate);
    this.variables = [...encoder.variables, ...model.variables];
  }

  /**
   * One step on sub-sequences of length L+1 from short-term memory.
   * @param batch [n, L+1] observations and actions @param rng draws which rows see z (the others get z = 0)
   */
  step(batch: MemoryBatch, rng: Rng): LossReport {
    const { n, len } = batch;
    const steps = len - 1;
    const { model, weights } = this;
    const obsSize = batch.observations.length / (n * len);
    const actionSize = model.actionSize;
    const k2 = model.level2.steps;
    const x = timeMajor(batch.observations, n, len, obsSize);
    const a = timeMajor(batch.actions, n, len, actionSize);
    const zMask = Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    const probeSize = model.probeLayout.size;
    const parts: Partial<Record<keyof LossReport, tf.Scalar>> = {};

    const loss = (): tf.Scalar => {
      const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;
      // Step 1. Encode every observation of every sequence: S is time-major [len·n, D].
      const X = tf.tensor2d(x, [len * n, obsSize]);
      const S = this.encoder.encodeBatch(X);
      const at = (k: number): tf.Tensor2D => tf.slice(S, [k * n, 0], [n, model.latent]);
      const A = tf.tensor2d(a, [len * n, actionSize]);
      const action = (k: number): tf.Tensor2D => tf.slice(A, [k * n, 0], [n, actionSize]);
      const prev = tf.slice(S, [0, 0], [steps * n, model.latent]);
      const next = tf.slice(S, [n, 0], [steps * n, model.latent]);

      // Step 2. Unroll the level-1 predictor from s_0 with the true actions; z inferred from (s_k, s_k+1) on half the rows.
      let zPenalty = tf.scalar(0);
      let zAll: tf.Tensor2D | null = null;
      if (model.latentVariable > 0) {
        const z = tf.mul(model.inferZ(prev, next), tf.tile(tf.tensor2d(zMask, [n, 1]), [steps, 1])) as tf.Tensor2D;
        zPenalty = scalar(tf.mean(tf.square(z)));
        zAll = z;
      }
      let predicted = at(0);
      const errors: tf.Tensor[] = [];
      const rollout: tf.Tensor2D[] = [];
      for (let k = 0; k < steps; k++) {
        const z = zAll ? tf.slice(zAll, [k * n, 0], [n, model.latentVariable]) : undefined;
        predicted = model.next(predicted, action(k), z);
        rollout.push(predicted);
        errors.push(tf.mean(tf.square(tf.sub(predicted, at(k + 1)))));
      }
      const prediction = scalar(tf.div(tf.addN(errors), steps));
      const targets = tf.slice(X, [0, 0], [len * n, probeSize]);
      // The state head: features decoded from s_0 and from every predicted state, the gradient reaching encoder and predictor.
      const stateWeight = weights.state ?? 0;
      const state = stateWeight > 0 ? scalar(tf.mean(tf.square(tf.sub(model.probe(tf.concat([at(0), ...rollout], 0)), targets)))) : null;

      // Step 3. VICReg variance and covariance on the expanded embeddings of every state.
      const H = model.expander.apply(S);
      const variance = varianceLoss(H);
      const covariance = covarianceLoss(H);

      // Step 4. Inverse dynamics and temporal smoothness.
      const actionsTaken = tf.slice(A, [0, 0], [steps * n, actionSize]);
      const inverse = scalar(tf.mean(tf.square(tf.sub(model.inverse.apply(tf.concat([prev, next], 1)), actionsTaken))));
      const smoothness = scalar(tf.mean(tf.square(tf.sub(next, prev))));

      // Step 5. Level 2: coarse states every k2 ticks, predicted under the k2 actions between them.
      const coarse = Math.floor(steps / k2);
      let level2 = tf.scalar(0);
      let probe2 = tf.scalar(0);
      if (coarse > 0 && weights.level2 > 0) {
        const S2 = model.encode2(S);
        probe2 = scalar(tf.mean(tf.square(tf.sub(model.probe2(stopGradient(S2)), tf.slice(X, [0, 0], [len * n, probeSize])))));
        const s2 = (k: number): tf.Tensor2D => tf.slice(S2, [k * n, 0], [n, model.level2.latent]);
        let predicted2 = s2(0);
        const errors2: tf.Tensor[] = [];
        for (let c = 0; c < coarse; c++) {
          const u = tf.concat(Array.from({ length: k2 }, (_, j) => action(c * k2 + j)), 1);
          predicted2 = model.next2(predicted2, u);
          errors2.push(tf.mean(tf.square(tf.sub(predicted2, s2((c + 1) * k2)))));
        }
        level2 = scalar(
          tf.addN([
            tf.mul(tf.div(tf.addN(errors2), coarse), weights.prediction),
            tf.mul(varianceLoss(S2), weights.variance),
            tf.mul(covarianceLoss(S2), weights.covariance),
          ]),
        );
      }

      // Step 6. Probe heads regress the named features from s, with the gradient into s stopped.
      const probe = model.probeNet ? scalar(tf.mean(tf.square(tf.sub(model.probe(stopGradient(S)), targets)))) : tf.scalar(0);

      const total = scalar(
        tf.addN([
          tf.mul(prediction, weights.prediction),
          tf.mul(variance, weights.variance),
          tf.mul(covariance, weights.covariance),
          tf.mul(inverse, weights.inverse),
          tf.mul(smoothness, weights.smoothness),
          tf.mul(zPenalty, weights.latentVariable),
          tf.mul(level2, weights.level2),
          probe,
          probe2,
          ...(state ? [tf.mul(state, stateWeight)] : []),
        ]),
      );
      Object.assign(parts, { prediction, variance, covariance, inverse, smoothness, latentVariable: zPenalty, level2, probe, probe2, ...(state ? { state } : {}) });
      for (const p of Object.values(parts)) tf.keep(p);
      return total;
    };

    // Step 7. Backward and Adam step over the encoder and every world-model network.
    const total = tf.tidy(() => this.optimizer.minimize(loss, true, [...this.variables])!);
    const report = { total: total.dataSync()[0]! } as LossReport;
    total.dispose();
    for (const [name, t] of Object.entries(parts) as [keyof LossReport, tf.Scalar][]) {
      report[name] = t.dataSync()[0]!;
      t.dispose();
    }
    return report;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
