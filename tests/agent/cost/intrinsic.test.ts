// Intrinsic costs: the plug-in API, built-in values and gradients, and refusals that name the cost and the problem.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinCosts, collisionRisk, goalDistance } from '../../../agent/cost/builtins.ts';
import { CostModule } from '../../../agent/cost/cost-module.ts';
import { defineIntrinsicCost } from '../../../agent/cost/intrinsic.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const layout = new Env(getSim('reach')).observationLayout;
const batch = (rows: number): tf.Tensor2D => tf.randomUniform([rows, layout.size], -1, 1, 'float32', 4) as tf.Tensor2D;
const actions = (rows: number): tf.Tensor2D => tf.fill([rows, 2], 0.5) as tf.Tensor2D;

describe('defineIntrinsicCost', () => {
  it('refuses malformed definitions', () => {
    const cost = () => tf.zeros([1]);
    expect(() => defineIntrinsicCost({ name: 'Keep Left', description: 'x', reads: [], cost })).toThrow(/kebab-case/);
    expect(() => defineIntrinsicCost({ name: 'keep-left', description: '', reads: [], cost })).toThrow(/description/);
    expect(() => defineIntrinsicCost({ name: 'keep-left', description: 'x', reads: 'agent.x' as unknown as string[], cost })).toThrow(/reads must be an array/);
  });
});

describe('CostModule', () => {
  it('evaluates the built-ins to known values, one per row, with gradients', () => {
    const costs = new CostModule(builtinCosts.filter((c) => ['goal-distance', 'energy', 'collision-risk', 'stay-in-region'].includes(c.name)), layout);
    const obs = new Float32Array(layout.size).fill(1);
    obs[layout.slice('goal.dx').offset] = 0.3;
    obs[layout.slice('goal.dy').offset] = 0.4;
    obs[layout.slice('agent.x').offset] = 0.95;
    obs[layout.slice('agent.y').offset] = 0;
    obs[layout.slice('ray.2').offset] = 0.075;
    const values = costs.evaluate(obs, Float32Array.of(0.6, 0.8), layout);
    expect(values[0]).toBeCloseTo(0.5, 3); // goal distance
    expect(values[1]).toBeCloseTo(1, 5); // energy
    expect(values[2]).toBeCloseTo(0.25, 4); // collision risk: ((0.15 - 0.075) / 0.15)²
    expect(values[3]).toBeCloseTo(0.1, 4); // outside the region by 0.95 - 0.85
    const x = batch(6);
    const grads = tf.grad((input: tf.Tensor) => tf.sum(costs.intrinsic(input as tf.Tensor2D, actions(6), layout, { 'goal-distance': 1, 'collision-risk': 1 })))(x);
    expect(grads.shape).toEqual([6, layout.size]);
    expect(tf.sum(tf.abs(grads)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('refuses unknown features and duplicate names when loaded', () => {
    const unknown = defineIntrinsicCost({ name: 'keep-left', description: 'x', reads: ['agent.z'], cost: ({ f }) => f['agent.z']! });
    expect(() => new CostModule([unknown], layout)).toThrow(/intrinsic cost 'keep-left': reads unknown feature 'agent.z'; known features: agent.x/);
    expect(() => new CostModule([goalDistance, goalDistance], layout)).toThrow(/'goal-distance' is loaded twice/);
    const pattern = defineIntrinsicCost({ name: 'sonar', description: 'x', reads: ['sonar.*'], cost: ({ f }) => f['sonar.*']! });
    expect(() => new CostModule([pattern], layout)).toThrow(/no feature starts with 'sonar.'/);
  });

  it('refuses a wrong shape, NaN or Infinity on first evaluation, naming the cost', () => {
    const obs = new Float32Array(layout.size);
    const a = Float32Array.of(0, 0);
    const wrongShape = defineIntrinsicCost({ name: 'wrong-shape', description: 'x', reads: ['agent.x'], cost: ({ f }) => tf.reshape(f['agent.x']!, [-1, 1]) });
    expect(() => new CostModule([wrongShape], layout).evaluate(obs, a, layout)).toThrow(/'wrong-shape' returned shape \[1, 1\]; expected \[1\]/);
    const nan = defineIntrinsicCost({ name: 'nan-cost', description: 'x', reads: ['agent.x'], cost: ({ f }) => tf.div(f['agent.x']!, 0).mul(0) });
    expect(() => new CostModule([nan], layout).evaluate(obs, a, layout)).toThrow(/'nan-cost' returned NaN/);
    const inf = defineIntrinsicCost({ name: 'inf-cost', description: 'x', reads: [], cost: () => tf.fill([1], Infinity) });
    expect(() => new CostModule([inf], layout).evaluate(obs, a, layout)).toThrow(/'inf-cost' returned Infinity/);
    const notTensor = defineIntrinsicCost({ name: 'plain', description: 'x', reads: [], cost: () => 1 as unknown as tf.Tensor });
    expect(() => new CostModule([notTensor], layout).evaluate(obs, a, layout)).toThrow(/'plain' returned number/);
  });

  it('reads a feature pattern as one [B, k] tensor', () => {
    const costs = new CostModule([collisionRisk], layout);
    const x = batch(3);
    const out = tf.tidy(() => costs.terms(x, actions(3), layout)[0]!.shape);
    expect(out).toEqual([3]);
  });
});
