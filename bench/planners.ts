// Planner micro-benchmark: ms per decision of GD, CEM and MPPI on an H-JEPA-sized predictor, against a naive autodiff GD loop.
import * as tf from '@tensorflow/tfjs';
import { percentiles } from '../agent/math/percentiles.ts';
import { Rng } from '../world/rng.ts';
import { Mlp } from '../agent/tensor/dense.ts';
import { planGradient } from '../agent/actor/planners/gradient.ts';
import { residualMlpStep } from '../agent/world-model/fast/mlp-step.ts';
import type { PlanFunction, PlanningProblem } from '../agent/actor/planners/objective.ts';
import { planCEM, planMPPI } from '../agent/actor/planners/sampling.ts';

export interface PlannerBenchRow {
  /** gd (generic Mlp.apply step), gd-fused (residualMlpStep's rollout), cem, mppi, or gd-naive (autodiff + tf.train.adam, the baseline). */
  method: string;
  median: number;
  p95: number;
  /** Forward `next` evaluations per decision. */
  modelEvals: number;
}

export interface PlannerBenchOptions {
  horizon: number;
  candidates: number;
  iterations: number;
  latent: number;
  hidden: number;
  /** Timed decisions per method (after two warm-up decisions). */
  decisions: number;
}

const DEFAULTS: PlannerBenchOptions = { horizon: 16, candidates: 16, iterations: 20, latent: 32, hidden: 128, decisions: 15 };
const ACTIONS = 2;

function time(decisions: number, decide: (i: number) => void): { median: number; p95: number } {
  for (let i = 0; i < 2; i++) decide(i);
  const times: number[] = [];
  for (let i = 0; i < decisions; i++) {
    const t0 = performance.now();
    decide(i);
    times.push(performance.now() - t0);
  }
  return percentiles(times);
}

/**
 * The naive baseline: the same GD decision (tanh actions, Adam, 20 iterations, best row kept) written the obvious way —
 * a tf.Variable for the actions, tf.train.adam's `minimize`, plain tf.matMul layers and autodiff (whose backward pass
 * emits transposed matMuls), per-step slices.
 */
function naiveGradient(mlp: Mlp, s0: tf.Tensor2D, goal: tf.Tensor1D, o: PlannerBenchOptions, seed: number): Float32Array {
  const rng = new Rng(seed);
  const width = o.horizon * ACTIONS;
  const start = tf.tensor2d(Float32Array.from({ length: o.candidates * width }, () => rng.normal()), [o.candidates, width]);
  const u = tf.variable(start);
  start.dispose();
  const optimizer = tf.train.adam(0.3);
  const costs = (): tf.Tensor1D => {
    const a = tf.tanh(u);
    let s = tf.tile(s0, [o.candidates, 1]);
    let total: tf.Tensor1D = tf.zeros([o.candidates]);
    for (let t = 0; t < o.horizon; t++) {
      total = tf.add(total, tf.sum(tf.square(tf.sub(s, goal)), 1));
      let h: tf.Tensor2D = tf.concat([s, tf.slice(a, [0, t * ACTIONS], [o.candidates, ACTIONS])], 1);
      mlp.layers.forEach((layer, i) => {
        h = tf.add(tf.matMul(h, layer.W), layer.b);
        if (i < mlp.layers.length - 1) h = tf.relu(h);
      });
      s = tf.add(s, h);
    }
    return tf.add(total, tf.sum(tf.square(tf.sub(s, goal)), 1));
  };
  for (let i = 0; i < o.iterations; i++) optimizer.minimize(() => tf.sum(costs()), false, [u]);
  const actions = tf.tidy(() => {
    const c = costs().dataSync();
    const best = c.indexOf(Math.min(...c));
    return tf.tanh(u).dataSync().slice(best * width, (best + 1) * width) as Float32Array;
  });
  optimizer.dispose();
  u.dispose();
  return actions;
}

/**
 * ms per decision of each planner on a residual MLP predictor [latent+2, hidden, hidden, latent] with a quadratic
 * distance-to-goal cost (stage and terminal), on the current tfjs backend (the caller initialises it and prints).
 */
export function benchPlanners(options: Partial<PlannerBenchOptions> = {}): PlannerBenchRow[] {
  const o = { ...DEFAULTS, ...options };
  const rng = new Rng(7);
  // Dense leaves its initial-value tensors behind; the tidy drops them (variables survive a tidy).
  let mlp!: Mlp;
  tf.tidy(() => {
    mlp = new Mlp('bench-planner', [o.latent + ACTIONS, o.hidden, o.hidden, o.latent], rng, 'relu', 'linear', 0.1);
  });
  const s0 = tf.tensor2d(Float32Array.from({ length: o.latent }, () => rng.normal()), [1, o.latent]);
  const goal = tf.tensor1d(Float32Array.from({ length: o.latent }, () => rng.normal()));
  const distance = (s: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.square(tf.sub(s, goal)), 1);
  // The generic path: `next` through Mlp.apply (autodiff over Dense's custom gradients), one cost call per step.
  const generic: PlanningProblem = {
    s0,
    horizon: o.horizon,
    actionSize: ACTIONS,
    next: (s, a) => tf.add(s, mlp.apply(tf.concat([s, a], 1))),
    nextInfer: (s, a) => tf.add(s, mlp.infer(tf.concat([s, a], 1))),
    cost: (s) => distance(s),
    terminal: distance,
  };
  // The fast path: the whole rollout in one call with its own backward pass, and all stage costs (the terminal one
  // too: it is the stage cost at rest) priced in one call.
  const step = residualMlpStep(mlp, o.latent, ACTIONS);
  const fused: PlanningProblem = {
    ...generic,
    next: step.next,
    nextInfer: step.nextInfer,
    unroll: (a) => step.unrollFrom(s0, a),
    timeInvariantCost: true,
    terminal: undefined,
    terminalStageCost: true,
  };
  const planners: [string, PlanFunction, PlanningProblem][] = [
    ['gd', planGradient, generic],
    ['gd-fused', planGradient, fused],
    ['cem', planCEM, fused],
    ['mppi', planMPPI, fused],
  ];
  const rows: PlannerBenchRow[] = planners.map(([method, plan, problem]) => {
    let modelEvals = 0;
    const ms = time(o.decisions, (seed) => {
      modelEvals = plan(problem, { candidates: o.candidates, iterations: o.iterations, seed }).modelEvals;
    });
    return { method, ...ms, modelEvals };
  });
  const naive = time(o.decisions, (seed) => naiveGradient(mlp, s0, goal, o, seed));
  rows.push({ method: 'gd-naive', ...naive, modelEvals: (o.iterations + 1) * o.candidates * o.horizon });
  tf.dispose([s0, goal]);
  step.dispose();
  mlp.dispose();
  return rows;
}
