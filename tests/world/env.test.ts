// Tests for the environment API: reset/step contract, determinism, action validation, named features.
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { Rng } from '../../world/rng.ts';

const reach = getSim('reach');

function trajectory(seed: number, steps: number): Float32Array[] {
  const env = new Env(reach);
  const rng = new Rng(99);
  const out = [env.reset({ seed }).observations[0]!];
  for (let t = 0; t < steps; t++) out.push(env.step([env.actionSpace.sample(rng)]).observations[0]!);
  return out;
}

describe('Env', () => {
  it('gives bit-identical trajectories for the same seed and actions, also after other worlds ran', () => {
    const a = trajectory(5, 150);
    trajectory(6, 50);
    const b = trajectory(5, 150);
    expect(b).toEqual(a);
  });

  it('exposes named features that match the ground truth', () => {
    const env = new Env(reach);
    const { observations, info } = env.reset({ seed: 2 });
    const layout = env.observationLayout;
    const agent = info.state.agents[0]!;
    const goal = info.state.goals[0]!;
    expect(layout.read(observations[0]!, 'agent.x')[0]).toBeCloseTo((agent.x - 200) / 200, 5);
    expect(layout.read(observations[0]!, 'goal.dy')[0]).toBeCloseTo((goal.y - agent.y) / 200, 5);
    expect(layout.read(observations[0]!, 'grid')).toHaveLength(256);
    expect(layout.names).toContain('ray.7');
  });

  it('clamps out-of-range actions and refuses non-finite ones with a clear message', () => {
    const env = new Env(reach);
    env.reset({ seed: 1 });
    const other = new Env(reach);
    other.reset({ seed: 1 });
    expect(env.step([Float32Array.of(10, -10)]).observations).toEqual(other.step([Float32Array.of(1, -1)]).observations);
    expect(() => env.step([Float32Array.of(Number.POSITIVE_INFINITY, 0)])).toThrow(/non-finite value Infinity at index 0/);
    expect(() => env.step([Float32Array.of(0)])).toThrow(/length 1; expected 2/);
    expect(() => env.step([])).toThrow(/1 agent\(s\) but step\(\) got 0/);
  });

  it('refuses step before reset', () => {
    expect(() => new Env(reach).step([Float32Array.of(0, 0)])).toThrow(/before reset/);
  });

  it('moves the agent in the direction of the force', () => {
    const env = new Env(reach);
    const start = env.reset({ seed: 3 }).info.state.agents[0]!;
    let state = env.state;
    for (let t = 0; t < 10; t++) state = env.step([Float32Array.of(1, 0)]).info.state;
    expect(state.agents[0]!.x).toBeGreaterThan(start.x + 5);
    expect(state.agents[0]!.y).toBeCloseTo(start.y, 3);
  });
});
