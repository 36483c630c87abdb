// The fused residual-MLP planning step has the values and action/state gradients of s + mlp.apply([s, a, 0]).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { residualMlpStep } from '../../../../agent/actor/planners/mlp-step.ts';
import { planGradient, type PlanningProblem } from '../../../../agent/actor/planners/index.ts';
import { initBackend } from '../../../../agent/tensor/backend.ts';
import { Mlp } from '../../../../agent/tensor/dense.ts';
import { Rng } from '../../../../world/rng.ts';

const D = 6;
const A = 2;

beforeAll(async () => {
  await initBackend('wasm');
});

const maxDiff = (x: tf.Tensor, y: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!);

describe.each([
  ['without extra inputs', 0],
  ['with a latent z taken as zero', 3],
])('residualMlpStep %s', (_name, extra) => {
  it('matches s + mlp.apply([s, a, 0]) in value, gradient and inference path, and disposes its snapshot', () => {
    const rng = new Rng(5);
    const mlp = new Mlp('step-test', [D + A + extra, 16, 16, D], rng, 'relu', 'linear');
    const rand = (rows: number, cols: number): tf.Tensor2D => tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
    const [s, a, target] = [rand(5, D), rand(5, A), rand(5, D)];
    const reference = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D =>
      tf.add(s, mlp.apply(tf.concat(extra > 0 ? [s, a, tf.zeros([s.shape[0], extra])] : [s, a], 1)));
    const before = tf.memory().numTensors;
    const step = residualMlpStep(mlp, D, A);
    const loss = (f: (s: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D) => (s: tf.Tensor, a: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(f(f(s as tf.Tensor2D, a as tf.Tensor2D), a as tf.Tensor2D), target))) as tf.Scalar;
    tf.tidy(() => {
      expect(maxDiff(step.next(s, a), reference(s, a))).toBeLessThan(1e-5);
      expect(maxDiff(step.nextInfer(s, a), reference(s, a))).toBeLessThan(1e-5);
      const ours = tf.grads(loss(step.next))([s, a]);
      const auto = tf.grads(loss(reference))([s, a]);
      ours.forEach((g, i) => expect(maxDiff(g, auto[i]!)).toBeLessThan(1e-4));
    });
    step.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s, a, target]);
    mlp.dispose();
  });
});

describe('planGradient through residualMlpStep', () => {
  it('plans on an MLP model and leaks nothing', () => {
    const rng = new Rng(8);
    const mlp = new Mlp('step-plan', [D + A, 32, 32, D], rng, 'relu', 'linear', 0.1);
    const step = residualMlpStep(mlp, D, A);
    const goal = tf.tensor1d(Float32Array.from({ length: D }, () => rng.normal()));
    const distance = (s: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.square(tf.sub(s, goal)), 1);
    const problem: PlanningProblem = { s0: tf.tensor2d(Float32Array.from({ length: D }, () => rng.normal()), [1, D]), horizon: 8, actionSize: A, ...step, cost: distance, terminal: distance, timeInvariantCost: true };
    const first = planGradient(problem, { candidates: 8, iterations: 1, seed: 1 });
    const before = tf.memory().numTensors;
    const result = planGradient(problem, { candidates: 8, iterations: 30, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.cost).toBeLessThan(0.95 * first.cost);
    tf.dispose([problem.s0, goal]);
    step.dispose();
    mlp.dispose();
  });
});
