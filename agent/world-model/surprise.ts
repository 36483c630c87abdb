// Surprise: how far each new state lies from the world model's prediction, and novelty measured against its running mean.
import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from './world-model.ts';

/** A tick is novel when its surprise exceeds this multiple of the running mean. */
const NOVELTY_RATIO = 4;

export class SurpriseMonitor {
  private previous: { s: Float32Array; action: Float32Array } | null = null;
  private mean: number | null = null;
  /** The latest tick's surprise (null on an episode's first tick). */
  latest: number | null = null;

  constructor(private readonly model: WorldModel) {}

  /** A new episode: its first tick has nothing to be predicted from. */
  beginEpisode(): void {
    this.previous = null;
  }

  /** Prices the tick's state against the prediction from the previous tick, then remembers this one. */
  observe(s: Float32Array, action: Float32Array, tick: number): number | null {
    this.latest = this.previous && tick > 0 ? predictionError(this.model, this.previous.s, this.previous.action, s) : null;
    if (this.latest !== null) this.mean = this.mean === null ? this.latest : 0.99 * this.mean + 0.01 * this.latest;
    this.previous = { s, action };
    return this.latest;
  }

  /** The latest surprise is several times its running mean. */
  get novel(): boolean {
    return this.latest !== null && this.mean !== null && this.latest > NOVELTY_RATIO * this.mean;
  }
}

/** Mean squared distance between s and the model's prediction from (previous s, previous action). */
function predictionError(model: WorldModel, previous: Float32Array, action: Float32Array, s: Float32Array): number {
  return tf.tidy(() => {
    const predicted = model.nextInfer(tf.tensor2d(previous, [1, previous.length]), tf.tensor2d(action, [1, action.length]));
    return tf.mean(tf.square(tf.sub(predicted, tf.tensor2d(s, [1, s.length])))).dataSync()[0]!;
  });
}
