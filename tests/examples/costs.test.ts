// The example costs change what a planning agent does: fixed-seed Mode-2 episodes with and without each, on the shipped checkpoints.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCostFile } from '../../agent/harness/plugins.ts';
import { preparePolicy } from '../../agent/harness/policies.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim, shippedCheckpoint } from '../../sims/index.ts';
import { runEpisodes } from '../../world/episodes.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Runs Mode-2 on fixed seeds with the example cost at `weight` (0: measured only). */
async function episodes(file: string, simName: string, weight: number, count: number): Promise<{ success: number; steps: number; cost: Record<string, number> }> {
  const cost = await loadCostFile(file);
  const sim = getSim(simName);
  const prepared = preparePolicy(sim, 'mode2', { seed: 0, shippedCheckpoint: shippedCheckpoint(sim.name), extraCosts: [cost], weights: { [cost.name]: weight } });
  try {
    const result = runEpisodes({ sim, policy: prepared.policy, episodes: count, seed: 100 });
    return { success: result.successRate, steps: result.meanSteps, cost: prepared.meanCost() };
  } finally {
    for (const agent of prepared.agents) agent.dispose();
  }
}

describe('example costs (examples/costs/)', () => {
  it('prefer-top keeps the agent out of the lower half', async () => {
    const without = await episodes('examples/costs/prefer-top.ts', 'reach', 0, 2);
    const withIt = await episodes('examples/costs/prefer-top.ts', 'reach', 2, 2);
    expect(without.success).toBe(1);
    // Depth below the centre line, per tick: at most a third of what it is when the cost only measures.
    expect(withIt.cost['prefer-top']!).toBeLessThan(without.cost['prefer-top']! / 3);
  });

  it('avoid-centre keeps the agent out of the central disc, and it still reaches its goals', async () => {
    const without = await episodes('examples/costs/avoid-centre.ts', 'reach', 0, 2);
    const withIt = await episodes('examples/costs/avoid-centre.ts', 'reach', 4, 2);
    expect(without.cost['avoid-centre']!).toBeGreaterThan(0.01);
    expect(withIt.cost['avoid-centre']!).toBeLessThan(without.cost['avoid-centre']! / 5);
    expect(withIt.success).toBe(1);
  });

  it('energy-budget cuts the effort per tick, and the agent still arrives (later)', async () => {
    const without = await episodes('examples/costs/energy-budget.ts', 'reach', 0, 2);
    const withIt = await episodes('examples/costs/energy-budget.ts', 'reach', 2, 2);
    expect(withIt.cost['energy-budget']!).toBeLessThan(without.cost['energy-budget']! / 10);
    expect(withIt.cost.energy!).toBeLessThan(without.cost.energy! / 2);
    expect(withIt.success).toBe(1);
    expect(withIt.steps).toBeGreaterThan(without.steps);
  });

  it('wall-clearance keeps the rangefinder\'s nearest hit farther away in two-rooms', async () => {
    const without = await episodes('examples/costs/wall-clearance.ts', 'two-rooms', 0, 2);
    const withIt = await episodes('examples/costs/wall-clearance.ts', 'two-rooms', 20, 2);
    expect(withIt.cost['wall-clearance']!).toBeLessThan(without.cost['wall-clearance']! / 2);
    expect(withIt.success).toBeGreaterThanOrEqual(without.success);
  });
});
