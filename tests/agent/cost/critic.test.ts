// The critic: TD targets by hand, and a critic that learns to predict future intrinsic cost from memory.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.ts';
import { Critic, tdTargets } from '../../../agent/cost/critic.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { Rng } from '../../../world/rng.ts';
import { runEpisodes } from '../../../world/episodes.ts';
import { scriptedPolicy } from '../../../world/exploration.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('tdTargets', () => {
  it('sums discounted costs and bootstraps unless the episode ends first', () => {
    const c = Float32Array.of(1, 2, 3, 0, 1, 1, 1, 0);
    const done = Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0);
    const t = tdTargets(c, done, Float32Array.of(10, 10), 3, 0.5);
    expect(t[0]).toBeCloseTo(1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 10);
    expect(t[1]).toBeCloseTo(1 + 0.5 * 1); // episode ends at the second tick: no bootstrap
  });
});

describe('Critic', () => {
  it('learns to predict the discounted future goal distance from short-term memory', () => {
    const sim = getSim('reach');
    const layout = new Env(sim).observationLayout;
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { seed: 1 } });
    // Fill memory with the scripted controller's episodes, recorded through the agent's own modules.
    const scripted = scriptedPolicy;
    runEpisodes({
      sim,
      episodes: 12,
      seed: 0,
      policy: (ctx) => {
        const inner = scripted(ctx);
        agent.beginEpisode();
        return {
          act: (obs, state) => {
            agent.tick(obs[0]!);
            return inner.act(obs, state);
          },
          end: () => agent.endEpisode(),
        };
      },
    });
    const critic = new Critic(32, [64, 64], new Rng(2));
    const optimizer = tf.train.adam(3e-3);
    const encode = (x: tf.Tensor2D): tf.Tensor2D => agent.perception.encodeBatch(x);
    const rng = new Rng(3);
    const losses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const batch = agent.memory.sample(9, 64, rng);
      losses.push(critic.trainStep(batch, encode, agent.cost.names, { 'goal-distance': 1 }, 0.9, optimizer));
    }
    const early = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const late = losses.slice(-10).reduce((a, b) => a + b) / 10;
    expect(late).toBeLessThan(early * 0.2);
    // Far from the goal costs more in the future than near it.
    const env = new Env(sim);
    const far = env.reset({ seed: 50 }).observations[0]!;
    const goalDistance = (o: Float32Array): number => Math.hypot(layout.read(o, 'goal.dx')[0]!, layout.read(o, 'goal.dy')[0]!);
    const predict = (o: Float32Array): number => tf.tidy(() => critic.predict(encode(tf.tensor2d(o, [1, o.length]))).dataSync()[0]!);
    const near = Float32Array.from(far);
    near[layout.slice('goal.dx').offset] = 0.02;
    near[layout.slice('goal.dy').offset] = 0.01;
    expect(goalDistance(far)).toBeGreaterThan(0.4);
    expect(predict(far)).toBeGreaterThan(predict(near));
    optimizer.dispose();
    critic.dispose();
    agent.dispose();
  });
});
