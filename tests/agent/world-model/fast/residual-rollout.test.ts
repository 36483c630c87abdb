// The rollout's two runners — the wasm backend's C kernels into a reused workspace, and registered kernels outside the
// engine — give bitwise the same states and gradient; the workspace refuses a backward pass that is not its last one.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollout, rolloutBackward, rolloutForward, rolloutWeights, type LayerValues } from '../../../../agent/world-model/fast/residual-rollout.ts';
import { initBackend } from '../../../../agent/tensor/backend.ts';
import { Rng } from '../../../../world/rng.ts';

const D = 6;
const A = 2;

beforeAll(async () => {
  await initBackend('wasm');
});

function layers(sizes: number[], rng: Rng): LayerValues[] {
  return sizes.slice(1).map((outputs, i) => ({
    W: Float32Array.from({ length: sizes[i]! * outputs }, () => rng.normal() * 0.4),
    inputs: sizes[i]!,
    outputs,
    b: Float32Array.from({ length: outputs }, () => rng.normal() * 0.1),
  }));
}

describe('rollout', () => {
  it.each([
    [[D + A, 16, D], 5, 4],
    [[D + A, 16, 12, D], 8, 6],
    [[D + A, D], 3, 2],
  ])('runs on wasm without per-kernel allocation, bitwise as the kernels do (%j, %i rows, %i steps)', (sizes, B, H) => {
    const rng = new Rng(B * 7 + H);
    const w = rolloutWeights(layers(sizes, rng), D, A);
    expect(w.direct).not.toBeNull();
    const s0 = Float32Array.from({ length: D }, () => rng.normal());
    const actions = Float32Array.from({ length: B * H * A }, () => Math.tanh(rng.normal()));
    const dStates = Float32Array.from({ length: (H + 1) * B * D }, () => rng.normal());
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    const direct = rollout(w, s0, actions, B, H);
    const da = direct.backward(dStates);
    const kernels = tf.tidy(() => {
      const pass = rolloutForward(w, s0, actions, B, H);
      return { states: pass.states.dataSync() as Float32Array, da: rolloutBackward(w, pass.hidden, dStates, B, H) };
    });
    expect(Array.from(direct.states)).toEqual(Array.from(kernels.states));
    expect(Array.from(da)).toEqual(Array.from(kernels.da));
    expect(tf.memory().numTensors).toBe(before.tensors);
    w.dispose();
    expect(tf.backend().numDataIds()).toBeLessThan(before.buffers);
  });

  it('refuses a backward pass after a later forward pass on the same weights', () => {
    const rng = new Rng(1);
    const w = rolloutWeights(layers([D + A, 8, D], rng), D, A);
    const first = rollout(w, new Float32Array(D), new Float32Array(2 * 3 * A), 2, 3);
    rollout(w, new Float32Array(D), new Float32Array(2 * 3 * A), 2, 3);
    expect(() => first.backward(new Float32Array(4 * 2 * D))).toThrow(/does not follow its forward pass/);
    w.dispose();
  });
});
