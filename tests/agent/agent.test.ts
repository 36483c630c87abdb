// The assembled agent end to end: every sim runs headless, runs are deterministic, tensors do not leak, tasks change live.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.ts';
import { agentPolicy } from '../../agent/episode-policy.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim, sims } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { Rng } from '../../world/rng.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

function agentsFor(simName: string, seed: number): Agent[] {
  const sim = getSim(simName);
  const layout = new Env(sim).observationLayout;
  return Array.from({ length: sim.agentCount }, (_, i) => new Agent({ layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, config: { seed: seed + i, memory: { capacity: 5000 } } }));
}

describe('Agent', () => {
  it.each(Object.keys(sims))('runs %s end to end in Mode-1 and fills its memory', (name) => {
    const agents = agentsFor(name, 1);
    const result = runEpisodes({ sim: getSim(name), policy: agentPolicy(agents), episodes: 1, seed: 3 });
    expect(result.totalSteps).toBeGreaterThan(0);
    for (const agent of agents) {
      expect(agent.memory.size).toBe(result.totalSteps);
      expect(agent.lastMode).toBe('mode1');
      expect(Object.keys(agent.lastCost!.terms)).toEqual(getSim(name).suggestedCosts.map((c) => c.name));
    }
    if (agents.length > 1) expect(agents[0]!.perception).not.toBe(agents[1]!.perception);
    agents.forEach((a) => a.dispose());
  });

  it('gives the same actions, costs and memory for the same seed and config', () => {
    const trace = (): number[] => {
      const agents = agentsFor('two-rooms', 7);
      runEpisodes({ sim: getSim('two-rooms'), policy: agentPolicy(agents), episodes: 2, seed: 5 });
      const batch = agents[0]!.memory.latest(400);
      agents.forEach((a) => a.dispose());
      return [...batch.actions, ...batch.costs, ...batch.states];
    };
    expect(trace()).toEqual(trace());
  });

  it('keeps tf.memory().numTensors flat over 10,000 ticks', () => {
    const sim = getSim('reach');
    const env = new Env(sim);
    const [agent] = agentsFor('reach', 2);
    let observations = env.reset({ seed: 1 }).observations;
    let after100 = 0;
    for (let t = 0; t < 10_000; t++) {
      if (t === 100) after100 = tf.memory().numTensors;
      const r = env.step([agent!.tick(observations[0]!)]);
      observations = r.observations;
      if (r.terminated || r.truncated) {
        observations = env.reset().observations;
        agent!.beginEpisode();
      }
    }
    expect(tf.memory().numTensors).toBe(after100);
    agent!.dispose();
  });

  it('follows a new goal and new weights mid-episode without retraining', () => {
    const sim = getSim('reach');
    const env = new Env(sim);
    const [agent] = agentsFor('reach', 3);
    const { observations } = env.reset({ seed: 2 });
    const layout = env.observationLayout;
    agent!.tick(observations[0]!);
    const before = agent!.lastCost!;
    agent!.setTask({ goal: { x: 0.5, y: -0.25 }, weights: { energy: 2 } });
    agent!.tick(observations[0]!);
    const x = layout.read(observations[0]!, 'agent.x')[0]!;
    const y = layout.read(observations[0]!, 'agent.y')[0]!;
    expect(agent!.lastCost!.terms['goal-distance']).toBeCloseTo(Math.hypot(0.5 - x, -0.25 - y), 4);
    expect(agent!.lastCost!.terms['goal-distance']).not.toBeCloseTo(before.terms['goal-distance']!, 3);
    expect(agent!.settings.weights).toMatchObject({ 'goal-distance': 1, energy: 2 });
    expect(() => agent!.setTask({ weights: { nope: 1 } })).toThrow(/unknown intrinsic cost 'nope' in weights; loaded costs: goal-distance, energy/);
    agent!.dispose();
  });

  it('refuses a bad config naming the field and the allowed values', () => {
    const sim = getSim('reach');
    const layout = new Env(sim).observationLayout;
    expect(() => new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { actor: { mode: 'mode9' as 'mode1' } } })).toThrow(/actor\.mode: Invalid option: expected one of "mode1"\|"mode2"\|"auto"/);
    expect(() => new Agent({ layout, suggestedCosts: [{ name: 'nope', weight: 1 }] })).toThrow(/unknown intrinsic cost 'nope'; registered costs: goal-distance/);
  });

  it('refuses Mode-2 without a planner, and auto falls back to Mode-1', () => {
    const sim = getSim('reach');
    const env = new Env(sim);
    const obs = env.reset({ seed: 1 }).observations[0]!;
    const auto = new Agent({ layout: env.observationLayout, suggestedCosts: sim.suggestedCosts, config: { actor: { mode: 'auto' } } });
    auto.tick(obs);
    expect(auto.lastMode).toBe('mode1');
    const mode2 = new Agent({ layout: env.observationLayout, suggestedCosts: sim.suggestedCosts, config: { actor: { mode: 'mode2' } } });
    expect(() => mode2.tick(obs)).toThrow(/Mode-2 needs a planner/);
    auto.dispose();
    mode2.dispose();
  });
});

describe('Agent with a world model', () => {
  it('reports its surprise and imagines its future, drawn as an overlay line', () => {
    const sim = getSim('reach');
    const env = new Env(sim);
    const agent = new Agent({ layout: env.observationLayout, suggestedCosts: sim.suggestedCosts, config: { seed: 1, worldModel: { enabled: true } } });
    const policy = agentPolicy([agent])({ env, scene: env.reset({ seed: 1 }).info.state.scene, episode: 0, seed: 1, rng: new Rng(1) });
    let observations = env.reset({ seed: 1 }).observations;
    policy.act(observations, env.state);
    expect(agent.surprise).toBeNull();
    observations = env.step([agent.memory.latest(1).actions]).observations;
    policy.act(observations, env.state);
    expect(agent.surprise).toBeGreaterThan(0);
    const imagined = agent.imagine(16)!;
    expect(imagined).toHaveLength(32);
    expect(imagined.every(Number.isFinite)).toBe(true);
    const extras = policy.extras!();
    expect(extras.costs!.surprise).toBe(agent.surprise);
    expect(extras.overlay!.lines![0]).toMatchObject({ label: 'imagined' });
    expect(extras.overlay!.lines![0]!.points).toHaveLength(32);
    agent.dispose();
  });
});
