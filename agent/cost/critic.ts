// The trainable cost (critic): predicts the discounted sum of future intrinsic cost from s, trained from short-term memory.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';
import type { MemoryBatch } from '../memory/index.ts';
import { Mlp } from '../tensor/dense.ts';

/**
 * n-step TD targets for the first tick of each sub-sequence: Σ_{k<n} γ^k c_k, plus γ^n·V(s_n) when no episode
 * end comes first.
 * @param c [N, n+1] weighted intrinsic cost per tick @param done [N, n+1] @param bootstrap [N] V(s_n)
 * @returns [N]
 */
export function tdTargets(c: Float32Array, done: Uint8Array, bootstrap: Float32Array, n: number, discount: number): Float32Array {
  const rows = bootstrap.length;
  const len = n + 1;
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let target = 0;
    let g = 1;
    let ended = false;
    for (let k = 0; k < n; k++) {
      target += g * c[i * len + k]!;
      g *= discount;
      if (done[i * len + k]) {
        ended = true;
        break;
      }
    }
    out[i] = ended ? target : target + g * bootstrap[i]!;
  }
  return out;
}

export class Critic {
  readonly net: Mlp;

  constructor(latent: number, hidden: readonly number[], rng: Rng) {
    this.net = new Mlp('cost/critic', [latent, ...hidden, 1], rng, 'relu', 'linear');
  }

  /** @param s [B, latent] @returns TC(s) [B] */
  predict(s: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.net.apply(s), [s.shape[0]]);
  }

  /**
   * One TD(n) regression step on sub-sequences of length n+1 sampled from short-term memory.
   * @param encode the perception encoder (its gradient is not taken) @param weights intrinsic-cost weights u_i
   * @returns the mean squared TD error before the step
   */
  trainStep(
    batch: MemoryBatch,
    encode: (x: tf.Tensor2D) => tf.Tensor2D,
    costNames: readonly string[],
    weights: Readonly<Record<string, number>>,
    discount: number,
    optimizer: tf.Optimizer,
  ): number {
    const { n: rows, len } = batch;
    const steps = len - 1;
    const obsSize = batch.observations.length / (rows * len);
    const costCount = costNames.length;
    const c = new Float32Array(rows * len);
    for (let r = 0; r < rows * len; r++) {
      let sum = 0;
      for (let j = 0; j < costCount; j++) sum += (weights[costNames[j]!] ?? 0) * batch.costs[r * costCount + j]!;
      c[r] = sum;
    }
    const pick = (k: number): Float32Array => {
      const out = new Float32Array(rows * obsSize);
      for (let i = 0; i < rows; i++) out.set(batch.observations.subarray((i * len + k) * obsSize, (i * len + k + 1) * obsSize), i * obsSize);
      return out;
    };
    return tf.tidy(() => {
      // Step 1. Encode the first and last observation of each window, outside the loss: no gradient reaches perception.
      const s0 = encode(tf.tensor2d(pick(0), [rows, obsSize]));
      const sn = encode(tf.tensor2d(pick(steps), [rows, obsSize]));
      // Step 2. n-step TD targets, bootstrapped from the critic's own estimate.
      const bootstrap = this.predict(sn).dataSync() as Float32Array;
      const target = tf.tensor1d(tdTargets(c, batch.done, bootstrap, steps, discount));
      // Step 3. Regress and step.
      const loss = optimizer.minimize(() => tf.mean(tf.square(tf.sub(this.predict(s0), target))) as tf.Scalar, true, this.net.variables as tf.Variable[]);
      return loss!.dataSync()[0]!;
    });
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  get named(): [string, tf.Variable][] {
    return this.net.named;
  }

  dispose(): void {
    this.net.dispose();
  }
}
