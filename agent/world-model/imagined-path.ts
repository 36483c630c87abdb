// The imagined future the viewer draws: a policy rolled out through the world model, decoded to agent positions by the probes.
import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from './world-model.ts';

/**
 * @param s0 [latent] the latest state @param policy a = π(s) [B, A] @returns [steps * 2] agent (x, y) in observation units
 */
export function imaginedPath(model: WorldModel, s0: Float32Array, policy: (s: tf.Tensor2D) => tf.Tensor2D, steps: number): Float32Array {
  const x = model.probeLayout.slice('agent.x').offset;
  const y = model.probeLayout.slice('agent.y').offset;
  return tf.tidy(() => {
    const { states } = model.rollout(tf.tensor2d(s0, [1, s0.length]), policy, steps);
    // One probe call and one read-back for the whole path.
    const probed = model.probe(states).dataSync();
    const width = model.probeLayout.size;
    return Float32Array.from({ length: steps * 2 }, (_, i) => probed[(i >> 1) * width + (i % 2 === 0 ? x : y)]!);
  });
}
