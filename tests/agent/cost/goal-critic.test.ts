// The goal critic: what it reads of a layout, the infeasible-progress penalty, and a distance that learns to go around.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoalCritic, goalGeometry, impossibleProgress, placeOf, placeSize } from '../../../agent/cost/goal-critic.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { PlaceRecord } from '../../../agent/training/goal-critic-fit.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { FeatureLayout } from '../../../world/features.ts';
import { Rng } from '../../../world/rng.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('goalGeometry', () => {
  it("finds the agent, the goal offset and two-rooms' door as a landmark", () => {
    const layout = new Env(getSim('two-rooms')).observationLayout;
    const g = goalGeometry(layout);
    expect(g.agent).toEqual([layout.slice('agent.x').offset, layout.slice('agent.y').offset]);
    expect(g.goal).toEqual([layout.slice('goal.dx').offset, layout.slice('goal.dy').offset]);
    expect(g.landmarks).toEqual([[layout.slice('door.dx').offset, layout.slice('door.dy').offset]]);
    expect(goalGeometry(new Env(getSim('reach')).observationLayout).landmarks).toEqual([]);
  });

  it('refuses a layout without a goal, naming the missing feature', () => {
    const layout = new FeatureLayout([
      { name: 'agent.x', size: 1 },
      { name: 'agent.y', size: 1 },
    ]);
    expect(() => goalGeometry(layout)).toThrow("the goal critic reads 'goal.dx', which this sim does not observe; known features: agent.x, agent.y");
  });
});

describe('placeOf', () => {
  it('turns landmark offsets into absolute positions', () => {
    const layout = new Env(getSim('two-rooms')).observationLayout;
    const obs = new Float32Array(layout.size);
    obs[layout.slice('agent.x').offset] = -0.5;
    obs[layout.slice('agent.y').offset] = 0.25;
    obs[layout.slice('door.dx').offset] = 0.5;
    obs[layout.slice('door.dy').offset] = -0.75;
    const out = new Float32Array(placeSize(1));
    placeOf(obs, goalGeometry(layout), out, 0);
    expect(Array.from(out)).toEqual([-0.5, 0.25, 0, -0.5]);
  });
});

describe('impossibleProgress', () => {
  it('charges each step for the time to the goal it gains beyond the limit, in its own sequence', () => {
    // Two sequences of three steps, time-major: (10, 9, 0) and (10, 5, 4).
    const out = tf.tidy(() => Array.from(impossibleProgress(tf.tensor1d([10, 10, 9, 5, 0, 4]), 3, 2).dataSync()));
    expect(out).toEqual([0, 0, 0, 3, 7, 0]);
  });

  it('refuses rows that do not stack the steps', () => {
    expect(() => impossibleProgress(tf.zeros([5]) as tf.Tensor1D, 3, 1)).toThrow('5 rows do not stack 3 steps');
  });
});

describe('GoalCritic', () => {
  const layout = new FeatureLayout([
    { name: 'agent.x', size: 1 },
    { name: 'agent.y', size: 1 },
    { name: 'goal.dx', size: 1 },
    { name: 'goal.dy', size: 1 },
  ]);
  /** Features of an agent at `from` with its goal at `to`. */
  const rows = (pairs: [number, number, number, number][]): tf.Tensor2D => tf.tensor2d(pairs.map(([x, y, gx, gy]) => [x, y, gx - x, gy - y]));

  it('is zero at the goal and differentiable in the features', () => {
    const critic = new GoalCritic(0, [16], 8, new Rng(1));
    tf.tidy(() => {
      const x = rows([
        [0.2, 0.1, 0.2, 0.1],
        [0.2, 0.1, -0.5, 0.4],
      ]);
      const d = critic.distance(x, layout).dataSync();
      expect(d[0]).toBeLessThan(1e-2);
      expect(d[1]).toBeGreaterThan(d[0]!);
      const g = tf.grad((f: tf.Tensor) => tf.sum(critic.distance(f as tf.Tensor2D, layout)))(x);
      expect(Array.from(g.dataSync()).some((v) => v !== 0)).toBe(true);
    });
    critic.dispose();
  });

  it('learns the time along the only path, not the straight line, and its steps free their tensors', () => {
    // Places along a U: down the left arm, across the bottom, up the right arm, one tick apart, walked back and forth.
    const path: [number, number][] = [];
    for (let i = 0; i <= 20; i++) path.push([-0.5, -0.5 + i / 20]);
    for (let i = 1; i <= 20; i++) path.push([-0.5 + i / 20, 0.5]);
    for (let i = 1; i <= 20; i++) path.push([0.5, 0.5 - i / 20]);
    const record = new PlaceRecord(8000, 0);
    const walk = new Rng(3);
    let at = 0;
    for (let episode = 0; episode < 40; episode++) {
      record.beginEpisode();
      for (let t = 0; t < 200; t++) {
        at = Math.max(0, Math.min(path.length - 1, at + (walk.next() < 0.5 ? -1 : 1)));
        const [x, y] = path[at]!;
        record.record((out, o) => out.set([x, y], o));
      }
    }
    const critic = new GoalCritic(0, [32, 32], 16, new Rng(2), { horizonTicks: 100, margin: 0.05, lambdaLearningRate: 1e-2 });
    const optimizer = tf.train.adam(3e-3);
    const transitions = record.transitions();
    const rng = new Rng(4);
    critic.trainStep(record.sample(transitions, 64, rng), optimizer);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 1500; i++) critic.trainStep(record.sample(transitions, 64, rng), optimizer);
    expect(tf.memory().numTensors).toBe(tensors);
    // Top of the left arm to the bottom-left corner: 20 ticks; to the top of the right arm: 60. Both 1 apart in a line.
    const [down, around] = tf.tidy(() =>
      Array.from(
        critic
          .distance(
            rows([
              [-0.5, -0.5, -0.5, 0.5],
              [-0.5, -0.5, 0.5, -0.5],
            ]),
            layout,
          )
          .dataSync(),
      ),
    );
    expect(around! / down!).toBeGreaterThan(2);
    expect(down!).toBeGreaterThan(10);
    expect(down!).toBeLessThan(40);
    optimizer.dispose();
    critic.dispose();
  });
});
