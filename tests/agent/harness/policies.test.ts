// The policy behind each agent name: baselines refuse a checkpoint, planners need one, agents are seeded one per body.
import { beforeAll, describe, expect, it } from 'vitest';
import { simCosts } from '../../../agent/harness/costs.ts';
import { preparePolicy } from '../../../agent/harness/policies.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { getSim, shippedCheckpoint } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { runEpisodes } from '../../../world/episodes.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('preparePolicy', () => {
  it('runs a baseline with the sim costs and weights, and times its decisions', () => {
    const sim = getSim('reach');
    const prepared = preparePolicy(sim, 'scripted', { seed: 0 });
    expect(prepared.agents).toEqual([]);
    expect(prepared.weights).toEqual(simCosts(sim, new Env(sim).observationLayout).weights);
    const run = runEpisodes({ sim, policy: prepared.policy, episodes: 1, seed: 2 });
    expect(prepared.decisionMs()).toHaveLength(run.totalSteps);
    expect(Object.keys(prepared.meanCost()).sort()).toEqual(Object.keys(prepared.weights).sort());
  });

  it('refuses a checkpoint given to a baseline, and ignores the shipped one', () => {
    const sim = getSim('reach');
    expect(() => preparePolicy(sim, 'random', { seed: 0, checkpoint: 'x' })).toThrow(/--checkpoint is for learning agents.*'random' has nothing to load/);
    expect(preparePolicy(sim, 'random', { seed: 0, shippedCheckpoint: shippedCheckpoint(sim.name) }).agents).toEqual([]);
  });

  it('needs a checkpoint to plan, and loads the shipped one when none is given', () => {
    const forage = getSim('forage');
    expect(shippedCheckpoint(forage.name)).toBeUndefined();
    expect(() => preparePolicy(forage, 'mode2', { seed: 0 })).toThrow(/--agent mode2 plans with a trained world model.*no checkpoint ships for 'forage'/);
    const reach = getSim('reach');
    const prepared = preparePolicy(reach, 'mode2', { seed: 0, shippedCheckpoint: shippedCheckpoint(reach.name) });
    try {
      expect(prepared.agents).toHaveLength(1);
      expect(prepared.agents[0]!.planner).not.toBeNull();
    } finally {
      for (const a of prepared.agents) a.dispose();
    }
  });

  it('builds a fresh Mode-1 agent per body, agent i seeded seed + i', () => {
    const sim = getSim('forage');
    const prepared = preparePolicy(sim, 'mode1', { seed: 40 });
    try {
      expect(prepared.agents.map((a) => a.config.seed)).toEqual(Array.from({ length: sim.agentCount }, (_, i) => 40 + i));
    } finally {
      for (const a of prepared.agents) a.dispose();
    }
  });
});
