// Experience collection: exactly the budget of ticks, the last episode cut short, the same ticks as the episode runner's.
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { collectExperience, memorySink } from '../../../agent/training/experience.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { runEpisodes } from '../../../world/episodes.ts';
import { mixedExploration, momentumPolicy } from '../../../world/exploration.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('collectExperience', () => {
  it('records exactly the budget, cutting the last episode, with the observations and actions the runner gives', () => {
    const sim = getSim('reach');
    const budget = 450;
    const sink = memorySink(new Env(sim).observationLayout, 1000);
    const episodes = collectExperience(sink, sim, budget, 21);
    const batch = sink.memory.latest(sink.memory.size);
    expect(sink.memory.size).toBe(budget);

    const observations: number[] = [];
    const actions: number[] = [];
    const lengths: number[] = [];
    runEpisodes({
      sim,
      policy: momentumPolicy(),
      episodes: 10,
      seed: 21,
      onTick: (t) => {
        if (observations.length < budget * t.observations[0]!.length) {
          observations.push(...t.observations[0]!);
          actions.push(...t.actions[0]!);
        }
      },
      onEpisode: (r) => lengths.push(r.steps),
    });
    const full = lengths.findIndex((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0) >= budget);
    expect(episodes).toBe(full + 1);
    expect(Array.from(batch.observations)).toEqual(observations);
    expect(Array.from(batch.actions)).toEqual(actions);
    // One episode end per episode, the cut one included.
    expect(Array.from(batch.done).filter(Boolean)).toHaveLength(episodes);
    expect(batch.done[budget - 1]).toBe(1);
  });

  it('records nothing on a budget of 0', () => {
    const sim = getSim('reach');
    const sink = memorySink(new Env(sim).observationLayout, 10);
    expect(collectExperience(sink, sim, 0, 0)).toBe(0);
    expect(sink.memory.size).toBe(0);
  });

  it.each([1, 5, 16])('fills an agent\'s memory with the bytes of tick-by-tick collection, in %i world(s)', (envs) => {
    const sim = getSim('forage');
    const layout = new Env(sim).observationLayout;
    const make = (): Agent => new Agent({ layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, config: { seed: 2, memory: { capacity: 2000 } } });
    const budget = 1234;
    // The reference: the episode runner, one agent.observe per tick.
    const reference = make();
    let recorded = 0;
    runEpisodes({
      sim,
      policy: mixedExploration(0.5),
      episodes: Infinity,
      seed: 8,
      onEpisodeStart: () => reference.beginEpisode(),
      onTick: ({ observations, actions }) => {
        reference.observe(observations[0]!, actions[0]!);
        recorded++;
      },
      onEpisode: () => reference.endEpisode(),
      stop: () => recorded >= budget,
    });
    const agent = make();
    collectExperience(agent, sim, budget, 8, mixedExploration(0.5), envs);
    expect(agent.memory.totalWritten).toBe(budget);
    expect(agent.memory.toBuffer().equals(reference.memory.toBuffer())).toBe(true);
    agent.dispose();
    reference.dispose();
  });
});
