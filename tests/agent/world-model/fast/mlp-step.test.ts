// The fused residual-MLP planning step and rollout, and the MLP head, have the values and gradients of tf autodiff.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpHead, residualMlpStep } from '../../../../agent/world-model/fast/mlp-step.ts';
import { costsAndGradient, evaluateCosts, planGradient, type PlanningProblem } from '../../../../agent/actor/planners/index.ts';
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

/** The fused rollout's problem next to the plain one: same model (s + mlp.apply([s, a, 0])) and the same costs. */
function problems(mlp: Mlp, extra: number, options: { discount?: number; critic?: boolean; atRest?: boolean } = {}) {
  const rng = new Rng(11);
  const s0 = tf.tensor2d(Float32Array.from({ length: D }, () => rng.normal()), [1, D]);
  const goal = tf.tensor1d(Float32Array.from({ length: D }, () => rng.normal()));
  const weight = tf.tensor1d(Float32Array.from({ length: D }, () => rng.normal()));
  // A stage cost that reads the states (through a ReLU kink) and the actions; a "critic" that reads the states only.
  const cost = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor1D => tf.add(tf.sum(tf.square(tf.sub(s, goal)), 1), tf.add(tf.sum(tf.relu(tf.mul(s, weight)), 1), tf.sum(tf.square(a), 1)));
  const critic = (s: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.mul(s, weight), 1);
  const atRest = options.atRest ?? true;
  const reference = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D => tf.add(s, mlp.apply(tf.concat(extra > 0 ? [s, a, tf.zeros([s.shape[0], extra])] : [s, a], 1)));
  const terminal = (s: tf.Tensor2D): tf.Tensor1D => {
    const rest = atRest ? cost(s, tf.zeros([s.shape[0], A])) : null;
    if (!options.critic) return rest!;
    return rest ? tf.add(rest, critic(s)) : critic(s);
  };
  const plain: PlanningProblem = { s0, horizon: 5, actionSize: A, next: reference, cost, terminal, discount: options.discount };
  const step = residualMlpStep(mlp, D, A);
  const fused: PlanningProblem = {
    ...plain,
    unroll: (a) => step.unrollFrom(s0, a),
    timeInvariantCost: true,
    terminalStageCost: atRest,
    terminal: options.critic ? critic : undefined,
  };
  return { plain, fused, dispose: () => (tf.dispose([s0, goal, weight]), step.dispose()) };
}

const maxAbs = (x: Float32Array, y: Float32Array): number => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
const scale = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 1);

describe.each([
  ['two hidden layers', 0, [16, 16]],
  ['a latent z taken as zero', 3, [16, 16]],
  ['no hidden layer', 0, []],
  ['three hidden layers and z', 2, [8, 12, 8]],
] as const)('residualMlpStep.unrollFrom with %s', (_name, extra, hidden) => {
  it.each([
    ['undiscounted, terminal at rest', { atRest: true }],
    ['discounted, terminal at rest plus a critic', { discount: 0.9, critic: true }],
    ['discounted, critic only', { discount: 0.95, critic: true, atRest: false }],
  ] as const)('gives the costs and ∂cost/∂a of tf autodiff through the plain rollout (%s)', (_case, options) => {
    const rng = new Rng(5);
    const mlp = new Mlp('unroll-test', [D + A + extra, ...hidden, D], rng, 'relu', 'linear');
    const { plain, fused, dispose } = problems(mlp, extra, options);
    const rows = 4;
    const actions = Float32Array.from({ length: rows * 5 * A }, () => Math.tanh(rng.normal()));
    const before = tf.memory().numTensors;
    const expected = costsAndGradient(plain, actions, rows);
    const got = costsAndGradient(fused, actions, rows);
    expect(maxAbs(got.costs, expected.costs)).toBeLessThan(1e-5 * scale(expected.costs));
    expect(maxAbs(got.gradient, expected.gradient)).toBeLessThan(1e-4 * scale(expected.gradient));
    expect(maxAbs(evaluateCosts(fused, actions, rows), expected.costs)).toBeLessThan(1e-5 * scale(expected.costs));
    expect(tf.memory().numTensors).toBe(before);
    dispose();
    mlp.dispose();
  });
});

describe('residualMlpStep.unrollFrom', () => {
  it('unrolls the states of H plain steps, time-major', () => {
    const rng = new Rng(6);
    const mlp = new Mlp('unroll-states', [D + A + 2, 16, 16, D], rng, 'relu', 'linear');
    const step = residualMlpStep(mlp, D, A);
    const s0 = tf.tensor2d(Float32Array.from({ length: D }, () => rng.normal()), [1, D]);
    const a = tf.tensor2d(Float32Array.from({ length: 3 * 4 * A }, () => rng.normal()), [3, 4 * A]);
    tf.tidy(() => {
      const states = step.unrollFrom(s0, a).states;
      expect(states.shape).toEqual([5 * 3, D]);
      let s: tf.Tensor2D = tf.tile(s0, [3, 1]);
      const actions = tf.split(a, 4, 1) as tf.Tensor2D[];
      for (let t = 0; t <= 4; t++) {
        expect(maxDiff(tf.slice(states, [t * 3, 0], [3, D]), s)).toBeLessThan(1e-5);
        if (t < 4) s = step.next(s, actions[t]!);
      }
    });
    tf.dispose([s0, a]);
    step.dispose();
    mlp.dispose();
  });

  it('leaves no tensor and no backend buffer behind, with or without the backward pass, and after dispose', () => {
    const rng = new Rng(7);
    const mlp = new Mlp('unroll-memory', [D + A, 16, 16, D], rng, 'relu', 'linear');
    const start = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    const { fused, dispose } = problems(mlp, 0);
    const actions = Float32Array.from({ length: 5 * 5 * A }, () => Math.tanh(rng.normal()));
    const four = actions.subarray(0, 4 * 5 * A);
    costsAndGradient(fused, four, 4);
    evaluateCosts(fused, actions, 5);
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 20; i++) {
      costsAndGradient(fused, four, 4);
      evaluateCosts(fused, actions, 5);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    dispose();
    expect(tf.memory().numTensors).toBe(start.tensors);
    expect(tf.backend().numDataIds()).toBe(start.buffers);
    mlp.dispose();
  });

  it('makes planGradient deterministic and as good as through the plain rollout', () => {
    const rng = new Rng(8);
    const mlp = new Mlp('unroll-plan', [D + A, 32, 32, D], rng, 'relu', 'linear', 0.1);
    const { plain, fused, dispose } = problems(mlp, 0);
    const options = { candidates: 8, iterations: 30, seed: 4 };
    const a = planGradient(fused, options);
    const b = planGradient(fused, options);
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(b.cost).toBe(a.cost);
    const reference = planGradient(plain, options);
    expect(a.cost).toBeLessThan(reference.cost + 1e-3 * Math.abs(reference.cost));
    expect(a.cost).toBeCloseTo(evaluateCosts(plain, a.actions, 1)[0]!, 3);
    dispose();
    mlp.dispose();
  });

  it('refuses a problem without a time-invariant cost', () => {
    const rng = new Rng(9);
    const mlp = new Mlp('unroll-refuse', [D + A, 8, D], rng, 'relu', 'linear');
    const { fused, dispose } = problems(mlp, 0);
    expect(() => planGradient({ ...fused, timeInvariantCost: false }, { candidates: 2, iterations: 1, seed: 1 })).toThrow(/timeInvariantCost/);
    dispose();
    mlp.dispose();
  });
});

describe('mlpHead', () => {
  it('matches mlp.apply in value and input gradient, and disposes its snapshot', () => {
    const rng = new Rng(10);
    const mlp = new Mlp('head-test', [D, 16, 5], rng, 'relu', 'linear');
    const x = tf.tensor2d(Float32Array.from({ length: 7 * D }, () => rng.normal()), [7, D]);
    const before = tf.memory().numTensors;
    const head = mlpHead(mlp);
    const loss = (f: (x: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor) => tf.sum(tf.square(f(x as tf.Tensor2D))) as tf.Scalar;
    tf.tidy(() => {
      expect(maxDiff(head.apply(x), mlp.apply(x))).toBeLessThan(1e-5);
      expect(maxDiff(tf.grad(loss((x) => head.apply(x)))(x), tf.grad(loss((x) => mlp.apply(x)))(x))).toBeLessThan(1e-4);
    });
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    mlp.dispose();
  });
});
