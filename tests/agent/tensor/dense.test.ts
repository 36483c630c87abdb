// The hand-written dense gradient equals autodiff's, and MLPs leak no tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { denseForward, Mlp } from '../../../agent/tensor/dense.ts';
import { Rng } from '../../../world/rng.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('denseForward', () => {
  it('has the gradients of x·W + b computed by autodiff', () => {
    const rng = new Rng(1);
    const rand = (shape: number[]): tf.Tensor => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
    const x = rand([5, 7]) as tf.Tensor2D;
    const W = rand([7, 3]) as tf.Tensor2D;
    const b = rand([3]) as tf.Tensor1D;
    const target = rand([5, 3]);
    const loss = (f: (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(tf.tanh(f(x as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D)), target))) as tf.Scalar;
    const ours = tf.grads(loss(denseForward))([x, W, b]);
    const auto = tf.grads(loss((x, W, b) => tf.add(tf.matMul(x, W), b)))([x, W, b]);
    ours.forEach((g, i) => {
      const diff = tf.max(tf.abs(tf.sub(g, auto[i]!))).dataSync()[0]!;
      expect(diff).toBeLessThan(5e-5);
    });
    tf.dispose([x, W, b, target, ...ours, ...auto]);
  });
});

describe('Mlp', () => {
  it('maps [B, in] to [B, out], trains its variables and disposes everything', () => {
    const mlp = new Mlp('m', [4, 16, 2], new Rng(2));
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.tidy(() => mlp.apply(x));
    expect(y.shape).toEqual([8, 2]);
    const optimizer = tf.train.adam(0.01);
    const lossOf = (): tf.Scalar => tf.mean(tf.square(mlp.apply(x)));
    const read = (): number => tf.tidy(() => lossOf().dataSync()[0]!);
    const first = read();
    optimizer.minimize(lossOf, false, mlp.variables);
    const steady = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) optimizer.minimize(lossOf, false, mlp.variables);
    expect(tf.memory().numTensors).toBe(steady);
    const last = read();
    expect(last).toBeLessThan(first * 0.5);
    const beforeDispose = tf.memory().numTensors;
    mlp.dispose();
    expect(tf.memory().numTensors).toBe(beforeDispose - mlp.variables.length);
    optimizer.dispose();
    tf.dispose([x, y]);
  });
});
