// A rollout worker on half of the rows gives the same numbers (and plans) as the planning thread alone, and reports its
// failures.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residualMlpStep } from '../../../../agent/actor/planners/mlp-step.ts';
import { costsAndGradient, evaluateCosts, planGradient, type PlanningProblem } from '../../../../agent/actor/planners/index.ts';
import { RolloutWorker } from '../../../../agent/actor/planners/rollout-worker-client.ts';
import { initBackend } from '../../../../agent/tensor/backend.ts';
import { Mlp } from '../../../../agent/tensor/dense.ts';
import { Rng } from '../../../../world/rng.ts';
import { Env } from '../../../../world/env.ts';
import { getSim } from '../../../../sims/index.ts';
import { HJepa } from '../../../../agent/world-model/h-jepa.ts';
import { CostModule } from '../../../../agent/cost/cost-module.ts';
import { energy, goalDistance } from '../../../../agent/cost/builtins.ts';
import { Policy } from '../../../../agent/actor/policy.ts';
import { ModelPlanner } from '../../../../agent/actor/model-planner.ts';
import type { AgentSettings } from '../../../../agent/ports.ts';

const D = 6;
const A = 2;
let worker: RolloutWorker;

beforeAll(async () => {
  await initBackend('wasm');
  worker = new RolloutWorker();
});

afterAll(async () => {
  await worker.terminate();
});

describe('residualMlpStep with a rollout worker', () => {
  it.each([5, 8, 9])('gives bitwise the costs, gradient and plan of the single thread (%i rows)', (rows) => {
    const rng = new Rng(rows);
    const mlp = new Mlp('worker-test', [D + A + 2, 16, 16, D], rng, 'relu', 'linear', 0.5);
    const s0 = tf.tensor2d(Float32Array.from({ length: D }, () => rng.normal()), [1, D]);
    const goal = tf.tensor1d(Float32Array.from({ length: D }, () => rng.normal()));
    const cost = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor1D => tf.add(tf.sum(tf.square(tf.sub(s, goal)), 1), tf.sum(tf.square(a), 1));
    const alone = residualMlpStep(mlp, D, A);
    const shared = residualMlpStep(mlp, D, A, { worker });
    const base = { s0, horizon: 6, actionSize: A, next: alone.next, cost, timeInvariantCost: true, terminalStageCost: true, discount: 0.95 };
    const single: PlanningProblem = { ...base, unroll: (a) => alone.unrollFrom(s0, a) };
    const dual: PlanningProblem = { ...base, unroll: (a) => shared.unrollFrom(s0, a) };
    const actions = Float32Array.from({ length: rows * 6 * A }, () => Math.tanh(rng.normal()));
    const before = tf.memory().numTensors;
    const expected = costsAndGradient(single, actions, rows);
    const got = costsAndGradient(dual, actions, rows);
    expect(Array.from(got.costs)).toEqual(Array.from(expected.costs));
    expect(Array.from(got.gradient)).toEqual(Array.from(expected.gradient));
    expect(Array.from(evaluateCosts(dual, actions, rows))).toEqual(Array.from(evaluateCosts(single, actions, rows)));
    const options = { candidates: rows, iterations: 5, seed: 2 };
    expect(Array.from(planGradient(dual, options).actions)).toEqual(Array.from(planGradient(single, options).actions));
    expect(tf.memory().numTensors).toBe(before);
    alone.dispose();
    shared.dispose();
    tf.dispose([s0, goal]);
    mlp.dispose();
  });

  it('refuses a backward pass that does not follow its forward pass, naming the worker', () => {
    const rng = new Rng(3);
    const mlp = new Mlp('worker-refuse', [D + A, 8, D], rng, 'relu', 'linear');
    const snapshot = worker.snapshot(
      mlp.layers.map((l) => ({ W: l.W.dataSync() as Float32Array, inputs: l.inputs, outputs: l.outputs, b: l.b.dataSync() as Float32Array })),
      D,
      A,
    );
    expect(() => snapshot.backward(new Float32Array(3 * D))).toThrow(/RolloutWorker: a backward pass without its forward pass/);
    snapshot.forward(new Float32Array(D), new Float32Array(2 * 3 * A), 2, 3);
    expect(snapshot.result()).toHaveLength(4 * 2 * D);
    expect(() => snapshot.backward(new Float32Array(5))).toThrow(/RolloutWorker: a backward pass of 5 values after a forward pass of 2 rows/);
    snapshot.backward(new Float32Array(4 * 2 * D));
    expect(snapshot.result()).toHaveLength(2 * 3 * A);
    snapshot.dispose();
    mlp.dispose();
  });

  it('reports a worker that cannot start, naming the cause', async () => {
    const broken = new RolloutWorker({ backend: 'no-such-backend' });
    const snapshot = broken.snapshot([{ W: new Float32Array((D + A) * D), inputs: D + A, outputs: D, b: new Float32Array(D) }], D, A);
    expect(() => snapshot.forward(new Float32Array(D), new Float32Array(A), 1, 1)).toThrow(/failed to start: unknown backend 'no-such-backend'/);
    await broken.terminate();
  });

  it('lets Mode-2 plan the same actions, with and without a subgoal', () => {
    const layout = new Env(getSim('reach')).observationLayout;
    const rng = new Rng(12);
    const model = new HJepa(layout, { latent: 8, actionSize: A, hidden: 16, latentVariable: 2, expander: [8], probeHidden: 8, level2: { latent: 4, steps: 2, hidden: 8 } }, rng);
    const cost = new CostModule([goalDistance, energy], layout);
    const policy = new Policy(8, [8], A, rng);
    const options = { method: 'gd' as const, candidates: 6, iterations: 3, timeBudgetMs: 1e9, discount: 0.95, seed: 1 };
    const alone = new ModelPlanner(model, cost, null, policy, options);
    const shared = new ModelPlanner(model, cost, null, policy, { ...options, rolloutWorker: worker });
    const settings: AgentSettings = { weights: { 'goal-distance': 1, energy: 0.1 }, criticWeight: 0, horizon: 5, mode: 'mode2', goal: null, subgoals: [], revision: 0 };
    for (let tick = 0; tick < 3; tick++) {
      const s = Float32Array.from({ length: 8 }, () => rng.normal());
      const subgoal = tick === 2 ? Float32Array.from({ length: 4 }, () => rng.normal()) : undefined;
      expect(Array.from(shared.plan(s, settings, subgoal).action)).toEqual(Array.from(alone.plan(s, settings, subgoal).action));
    }
    model.dispose();
    policy.dispose();
  });
});
