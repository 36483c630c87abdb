// Refits the probe heads on the final representation: s is encoded once (encoder frozen), then the probes regress the features.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';
import type { ShortTermMemory } from '../memory/short-term-memory.ts';
import type { PerceptionEncoder } from '../perception/encoder.ts';
import type { HJepa } from './h-jepa.ts';

/**
 * Trains only the probe heads, on every state in memory: the representation is fixed, so this never shapes it.
 * @returns the mean squared probe error of the last step
 */
export function fitProbes(encoder: PerceptionEncoder, model: HJepa, memory: ShortTermMemory, steps: number, batch: number, rng: Rng, learningRate = 1e-3): number {
  const all = memory.latest(memory.size);
  const rows = all.n;
  const obsSize = all.observations.length / rows;
  const width = model.probeLayout.size;
  const d = encoder.latent;
  // Step 1. Encode every state once.
  const states = new Float32Array(rows * d);
  for (let start = 0; start < rows; start += 2048) {
    const m = Math.min(2048, rows - start);
    states.set(tf.tidy(() => encoder.inferBatch(tf.tensor2d(all.observations.subarray(start * obsSize, (start + m) * obsSize), [m, obsSize])).dataSync()), start * d);
  }
  const optimizer = tf.train.adam(learningRate);
  const x = new Float32Array(batch * d);
  const y = new Float32Array(batch * width);
  let loss = Number.NaN;
  // Step 2. Minibatch regression of the probe features.
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < batch; i++) {
      const r = rng.int(rows);
      x.set(states.subarray(r * d, (r + 1) * d), i * d);
      y.set(all.observations.subarray(r * obsSize, r * obsSize + width), i * width);
    }
    loss = tf.tidy(() => {
      const xs = tf.tensor2d(x, [batch, d]);
      const ys = tf.tensor2d(y, [batch, width]);
      return optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.probeNet.apply(xs), ys))) as tf.Scalar, true, model.probeNet.variables)!.dataSync()[0]!;
    });
  }
  optimizer.dispose();
  return loss;
}
