// Refits the probe heads on the final representation: s is encoded once (encoder frozen), then the probes regress the features.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';
import type { ShortTermMemory } from '../memory/index.ts';
import type { PerceptionEncoder } from '../perception/index.ts';
import type { HJepa } from '../world-model/index.ts';

/**
 * Trains only the probe heads of both levels, on every state in memory: the representation is fixed, so this never
 * shapes it. @returns the mean squared level-1 probe error of the last step
 */
export function fitProbes(encoder: PerceptionEncoder, model: HJepa, memory: ShortTermMemory, steps: number, batch: number, rng: Rng, learningRate = 1e-3): number {
  const all = memory.latest(memory.size);
  const rows = all.n;
  const obsSize = all.observations.length / rows;
  const width = model.probeLayout.size;
  const d = encoder.latent;
  const d2 = model.level2.latent;
  // Step 1. Encode every state once, at both levels.
  const states = encoder.encodeRows(all.observations, rows);
  const states2 = tf.tidy(() => model.encode2(tf.tensor2d(states, [rows, d])).dataSync() as Float32Array);
  const optimizer = tf.train.adam(learningRate);
  const x = new Float32Array(batch * d);
  const x2 = new Float32Array(batch * d2);
  const y = new Float32Array(batch * width);
  // A state slot is read, not learned: only level 2's probe heads are fitted then.
  const probeNet = model.probeNet;
  const variables = [...(probeNet?.variables ?? []), ...model.probe2Net.variables];
  let loss = Number.NaN;
  // Step 2. Minibatch regression of the probe features from s and from s2.
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < batch; i++) {
      const r = rng.int(rows);
      x.set(states.subarray(r * d, (r + 1) * d), i * d);
      x2.set(states2.subarray(r * d2, (r + 1) * d2), i * d2);
      y.set(all.observations.subarray(r * obsSize, r * obsSize + width), i * width);
    }
    loss = tf.tidy(() => {
      const ys = tf.tensor2d(y, [batch, width]);
      // A state slot reads the features back exactly: its error is 0.
      const level1 = (): tf.Scalar => (probeNet ? tf.mean(tf.square(tf.sub(probeNet.apply(tf.tensor2d(x, [batch, d])), ys))) : tf.scalar(0));
      const level2 = (): tf.Scalar => tf.mean(tf.square(tf.sub(model.probe2Net.apply(tf.tensor2d(x2, [batch, d2])), ys)));
      const losses: tf.Scalar[] = [];
      optimizer.minimize(() => {
        const l1 = level1();
        losses.push(tf.keep(l1));
        return tf.add(l1, level2()) as tf.Scalar;
      }, false, variables);
      const value = losses[0]!.dataSync()[0]!;
      losses[0]!.dispose();
      return value;
    });
  }
  optimizer.dispose();
  return loss;
}
