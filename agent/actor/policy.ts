// The Mode-1 reactive policy a = A(s): an MLP with a tanh output, so actions stay in [-1, 1].
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';
import { Mlp } from '../tensor/dense.ts';

export class Policy {
  readonly net: Mlp;

  constructor(latent: number, hidden: readonly number[], actionSize: number, rng: Rng) {
    this.net = new Mlp('actor/policy', [latent, ...hidden, actionSize], rng, 'relu', 'tanh');
  }

  /** @param s [B, latent] @returns a [B, actionSize] in [-1, 1] */
  actBatch(s: tf.Tensor2D): tf.Tensor2D {
    return this.net.apply(s);
  }

  /** @param s [latent] @returns a [actionSize] */
  act(s: Float32Array): Float32Array {
    return tf.tidy(() => this.net.infer(tf.tensor2d(s, [1, s.length])).dataSync() as Float32Array);
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
