// The planners on toy dynamics with a known optimum: reach a goal, go around a wall, stay in bounds, stay deterministic.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { costsAndGradient, evaluateCosts, planCEM, planGradient, planMPPI, planRandomShooting, PLANNERS, shiftPlan, type PlanFunction, type PlanningProblem } from '../../../../agent/actor/planners/index.ts';
import { initBackend } from '../../../../agent/tensor/backend.ts';

const H = 16;
const GOAL = [0.8, -0.5] as const;
const SPEED = 0.1;

beforeAll(async () => {
  await initBackend('wasm');
});

/** A 2-D point s' = s + 0.1·a from the origin; cost ‖s − goal‖² at every step and at the end, plus `extra`. */
function pointProblem(extra?: (s: tf.Tensor2D) => tf.Tensor1D, options: Partial<PlanningProblem> = {}): PlanningProblem {
  const goal = tf.tensor1d([...GOAL]);
  const distance = (s: tf.Tensor2D): tf.Tensor1D => {
    const d = tf.sum(tf.square(tf.sub(s, goal)), 1) as tf.Tensor1D;
    return extra ? tf.add(d, extra(s)) : d;
  };
  return {
    s0: tf.tensor2d([[0, 0]]),
    horizon: H,
    actionSize: 2,
    next: (s, a) => tf.add(s, tf.mul(a, SPEED)),
    cost: (s) => distance(s),
    terminal: distance,
    ...options,
  };
}

/** The states the toy dynamics visit under a plan, computed in plain numbers. @returns [H+1][2] */
function trajectory(actions: Float32Array): number[][] {
  const states = [[0, 0]];
  for (let t = 0; t < H; t++) states.push([states[t]![0]! + SPEED * actions[2 * t]!, states[t]![1]! + SPEED * actions[2 * t + 1]!]);
  return states;
}

const distanceToGoal = (s: number[]): number => Math.hypot(s[0]! - GOAL[0], s[1]! - GOAL[1]);

/** The optimisers; CEM needs more samples than the others to be precise on a 32-dimensional search. */
const OPTIMISERS: [string, PlanFunction, number][] = [
  ['planGradient', planGradient, 16],
  ['planCEM', planCEM, 64],
  ['planMPPI', planMPPI, 16],
];
/** Every planner, random shooting too: the contract all of them keep. */
const ALL: [string, PlanFunction, number][] = [...OPTIMISERS, ['planRandomShooting', planRandomShooting, 64]];

describe('the registry', () => {
  it('names every planner function here, hierarchical GD over planGradient', () => {
    const functions = new Set(Object.values(PLANNERS).map((p) => p.plan));
    expect(functions).toEqual(new Set(ALL.map(([, plan]) => plan)));
    expect(PLANNERS['gd-hier']).toMatchObject({ plan: planGradient, hierarchical: true });
  });
});

describe.each(OPTIMISERS)('%s', (_name, plan, candidates) => {
  const options = { candidates, iterations: 30, seed: 3 };

  it('moves to the goal: final predicted state near it, first action toward it, all actions in [-1, 1]', () => {
    const problem = pointProblem();
    const result = plan(problem, options);
    const states = trajectory(result.actions);
    expect(distanceToGoal(states[H]!)).toBeLessThan(0.15);
    const toGoal = (result.actions[0]! * GOAL[0] + result.actions[1]! * GOAL[1]) / Math.hypot(...GOAL);
    expect(toGoal).toBeGreaterThan(0.9);
    for (const a of result.actions) expect(Math.abs(a)).toBeLessThanOrEqual(1);
    expect(result.cost).toBeCloseTo(evaluateCosts(problem, result.actions, 1)[0]!, 4);
    expect(result.iterations).toBe(options.iterations);
    expect(result.modelEvals).toBeGreaterThanOrEqual(options.iterations * options.candidates * H);
  });

  it('goes around a wall that blocks the straight line', () => {
    // A soft wall at x ∈ [0.3, 0.5] for y > -0.6: the cheap way to the goal (0.8, -0.5) passes below it.
    const wall = (s: tf.Tensor2D): tf.Tensor1D => {
      const [x, y] = tf.split(s, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const inX = tf.mul(tf.sigmoid(tf.mul(tf.sub(x, 0.3), 40)), tf.sigmoid(tf.mul(tf.sub(0.5, x), 40)));
      return tf.reshape(tf.mul(tf.mul(inX, tf.sigmoid(tf.mul(tf.add(y, 0.6), 40))), 20), [-1]) as tf.Tensor1D;
    };
    const problem = pointProblem(wall);
    const result = plan(problem, { ...options, iterations: 40 });
    const states = trajectory(result.actions);
    for (const [x, y] of states) if (x! > 0.32 && x! < 0.48) expect(y!).toBeLessThan(-0.55);
    expect(states[H]![0]!).toBeGreaterThan(0.45);
    expect(distanceToGoal(states[H]!)).toBeLessThan(0.6);
    const straight = Float32Array.from({ length: 2 * H }, (_, i) => GOAL[i % 2]! / Math.max(...GOAL.map(Math.abs)));
    expect(result.cost).toBeLessThan(evaluateCosts(problem, straight, 1)[0]!);
  });
});

describe.each(ALL)('%s', (_name, plan, candidates) => {
  const options = { candidates, iterations: 30, seed: 3 };

  it('improves on doing nothing', () => {
    const problem = pointProblem();
    expect(plan(problem, options).cost).toBeLessThan(evaluateCosts(problem, new Float32Array(2 * H), 1)[0]!);
  });

  it('is deterministic: same seed, same result', () => {
    const problem = pointProblem();
    const a = plan(problem, options);
    const b = plan(problem, options);
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(b.cost).toBe(a.cost);
  });

  it('respects bounds even from an out-of-range warm start', () => {
    const init = Float32Array.from({ length: 2 * H }, (_, i) => (i % 2 ? -5 : 5));
    const result = plan(pointProblem(), { ...options, iterations: 5, init });
    for (const a of result.actions) expect(Math.abs(a)).toBeLessThanOrEqual(1);
  });

  it('stops at the time budget and reports the iterations it ran', () => {
    const result = plan(pointProblem(), { ...options, iterations: 100_000, timeBudgetMs: 1 });
    expect(result.iterations).toBeGreaterThanOrEqual(1);
    expect(result.iterations).toBeLessThan(100_000);
    expect(result.modelEvals).toBeLessThan(100_000 * options.candidates * H);
  });

  it('is never worse than its warm start', () => {
    const problem = pointProblem();
    const init = new Float32Array(2 * H).fill(0.3);
    const result = plan(problem, { ...options, iterations: 3, init });
    expect(result.cost).toBeLessThanOrEqual(evaluateCosts(problem, init, 1)[0]!);
  });

  it('leaks no tensors over 50 calls', () => {
    const problem = pointProblem();
    plan(problem, { ...options, iterations: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) plan(problem, { ...options, iterations: 2, seed: i });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a warm start of the wrong length', () => {
    expect(() => plan(pointProblem(), { ...options, init: new Float32Array(3) })).toThrow(/init must hold H\*A = 32 values/);
  });
});

describe('planGradient', () => {
  it('beats its own initial guess', () => {
    const problem = pointProblem();
    const init = new Float32Array(2 * H);
    const result = planGradient(problem, { candidates: 1, iterations: 20, seed: 1, init });
    expect(result.cost).toBeLessThan(0.5 * evaluateCosts(problem, init, 1)[0]!);
  });
});

describe('rolloutCost', () => {
  it('prices time-invariant costs stacked exactly as step by step, with discount and terminal cost', () => {
    const per = pointProblem(undefined, { discount: 0.9 });
    const stacked = { ...per, timeInvariantCost: true };
    const actions = Float32Array.from({ length: 3 * 2 * H }, (_, i) => Math.sin(i));
    const a = evaluateCosts(per, actions, 3);
    const b = evaluateCosts(stacked, actions, 3);
    for (let i = 0; i < 3; i++) expect(b[i]!).toBeCloseTo(a[i]!, 4);
    const states = trajectory(actions.subarray(0, 2 * H));
    const d2 = (s: number[]): number => distanceToGoal(s) ** 2;
    const expected = states.slice(0, H).reduce((sum, s, t) => sum + 0.9 ** t * d2(s), 0) + 0.9 ** H * d2(states[H]!);
    expect(a[0]!).toBeCloseTo(expected, 3);
  });
});

describe('terminalStageCost', () => {
  it('prices the terminal cost as the stage cost at rest, stacked or step by step, with or without a terminal term', () => {
    const energy = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor1D => tf.add(tf.sum(tf.square(tf.sub(s, 0.3)), 1), tf.sum(tf.square(a), 1));
    const extra = (s: tf.Tensor2D): tf.Tensor1D => tf.sum(s, 1);
    const explicit = pointProblem(undefined, { cost: energy, terminal: (s) => tf.add(energy(s, tf.zeros([s.shape[0], 2])), extra(s)), discount: 0.9 });
    const atRest = { ...explicit, terminal: extra, terminalStageCost: true };
    const actions = Float32Array.from({ length: 3 * 2 * H }, (_, i) => Math.cos(i));
    const expected = evaluateCosts(explicit, actions, 3);
    for (const problem of [atRest, { ...atRest, timeInvariantCost: true }]) {
      const got = evaluateCosts(problem, actions, 3);
      for (let i = 0; i < 3; i++) expect(got[i]!).toBeCloseTo(expected[i]!, 4);
      const a = costsAndGradient(problem, actions, 3);
      const b = costsAndGradient(explicit, actions, 3);
      for (let i = 0; i < b.gradient.length; i++) expect(a.gradient[i]!).toBeCloseTo(b.gradient[i]!, 4);
    }
  });
});

describe('shiftPlan', () => {
  it('drops the first action and repeats the last', () => {
    const plan = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(shiftPlan(plan, 3, 2))).toEqual([3, 4, 5, 6, 5, 6]);
  });
});

describe('a time-invariant cost', () => {
  it('is told how many steps its stacked rows hold, so it can compare each state with the one before', () => {
    const seen: (number | undefined)[] = [];
    const rows: number[] = [];
    const record = (s: tf.Tensor2D, _a: tf.Tensor2D, _t: number, steps?: number): tf.Tensor1D => {
      seen.push(steps);
      rows.push(s.shape[0]);
      return tf.sum(tf.square(s), 1) as tf.Tensor1D;
    };
    tf.tidy(() => {
      const actions = new Float32Array(3 * H * 2).fill(0.5);
      evaluateCosts(pointProblem(undefined, { cost: record, timeInvariantCost: true }), actions, 3);
      costsAndGradient(pointProblem(undefined, { cost: record, timeInvariantCost: true, terminalStageCost: true }), actions, 3);
    });
    expect(seen).toEqual([H, H + 1]);
    expect(rows).toEqual([3 * H, 3 * (H + 1)]);
  });
});
