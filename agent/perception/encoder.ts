// Perception: s = Enc(x), a dense encoder fusing the vector features with the flattened occupancy grid.
import * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';
import type { Rng } from '../../world/rng.ts';
import { Mlp } from '../tensor/dense.ts';

export interface EncoderOptions {
  /** Size of the learned part of s. */
  latent: number;
  hidden: number;
  branch: number;
  /** Append the vector features to s unchanged (see `slot`). */
  stateSlot?: boolean;
}

/**
 * Two branches (vector features; occupancy grid) fused by an MLP. Dense rather than convolutional because the
 * wasm backend has no convolution backprop kernels, and this encoder must train there.
 */
export class PerceptionEncoder {
  /** Size of s: the learned part, plus the state slot when there is one. */
  readonly latent: number;
  /** Where s carries the vector features unchanged (the last columns), or null: s is all learned. */
  readonly slot: { offset: number; size: number } | null;
  private readonly vectorSize: number;
  private readonly gridSize: number;
  private readonly vectorBranch: Mlp;
  private readonly gridBranch: Mlp;
  private readonly fusion: Mlp;
  /** A linear path from the vector features to s, so quantities read directly (position, velocity) stay linear in s. */
  private readonly skip: Mlp;

  constructor(
    readonly layout: FeatureLayout,
    options: EncoderOptions,
    rng: Rng,
  ) {
    const grid = layout.slices.at(-1);
    if (!grid || grid.name !== 'grid') throw new Error(`perception expects the 'grid' feature last in the observation; got '${grid?.name}'`);
    this.gridSize = grid.size;
    this.vectorSize = grid.offset;
    this.latent = options.latent + (options.stateSlot ? this.vectorSize : 0);
    this.slot = options.stateSlot ? { offset: options.latent, size: this.vectorSize } : null;
    this.vectorBranch = new Mlp('perception/vector', [this.vectorSize, options.branch], rng, 'relu', 'relu');
    this.gridBranch = new Mlp('perception/grid', [this.gridSize, options.branch], rng, 'relu', 'relu');
    this.fusion = new Mlp('perception/fusion', [2 * options.branch, options.hidden, options.latent], rng, 'relu', 'linear');
    this.skip = new Mlp('perception/skip', [this.vectorSize, options.latent], rng, 'linear', 'linear');
  }

  /** Differentiable encode. @param x [B, observationSize] @returns s [B, latent] */
  encodeBatch(x: tf.Tensor2D): tf.Tensor2D {
    const b = x.shape[0];
    const vector = tf.slice(x, [0, 0], [b, this.vectorSize]);
    const grid = tf.slice(x, [0, this.vectorSize], [b, this.gridSize]);
    const learned: tf.Tensor2D = tf.add(this.fusion.apply(tf.concat([this.vectorBranch.apply(vector), this.gridBranch.apply(grid)], 1)), this.skip.apply(vector));
    return this.slot ? tf.concat([learned, vector], 1) : learned;
  }

  /** Inference-only encode with fused kernels. @param x [B, observationSize] @returns s [B, latent] */
  inferBatch(x: tf.Tensor2D): tf.Tensor2D {
    const b = x.shape[0];
    const vector = tf.slice(x, [0, 0], [b, this.vectorSize]);
    const grid = tf.slice(x, [0, this.vectorSize], [b, this.gridSize]);
    const learned: tf.Tensor2D = tf.add(this.fusion.infer(tf.concat([this.vectorBranch.infer(vector), this.gridBranch.infer(grid)], 1)), this.skip.infer(vector));
    return this.slot ? tf.concat([learned, vector], 1) : learned;
  }

  /** Plain-data encode of many observations, in chunks. @param observations [rows, observationSize] @returns [rows, latent] */
  encodeRows(observations: Float32Array, rows: number): Float32Array {
    const size = observations.length / Math.max(rows, 1);
    const out = new Float32Array(rows * this.latent);
    for (let start = 0; start < rows; start += 2048) {
      const m = Math.min(2048, rows - start);
      out.set(tf.tidy(() => this.inferBatch(tf.tensor2d(observations.subarray(start * size, (start + m) * size), [m, size])).dataSync()), start * this.latent);
    }
    return out;
  }

  /** Plain-data encode of one observation. @returns s [latent] */
  encode(observation: Float32Array): Float32Array {
    return tf.tidy(() => this.inferBatch(tf.tensor2d(observation, [1, observation.length])).dataSync() as Float32Array);
  }

  get variables(): tf.Variable[] {
    return [...this.vectorBranch.variables, ...this.gridBranch.variables, ...this.fusion.variables, ...this.skip.variables];
  }

  get named(): [string, tf.Variable][] {
    return [...this.vectorBranch.named, ...this.gridBranch.named, ...this.fusion.named, ...this.skip.named];
  }

  dispose(): void {
    this.vectorBranch.dispose();
    this.gridBranch.dispose();
    this.fusion.dispose();
    this.skip.dispose();
  }
}
