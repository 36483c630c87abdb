// Mode-2 through a (tiny) trained world model: plans within bounds, reports its work, and the automatic mode mixes modes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../agent/agent.ts';
import { ModelPlanner } from '../../../agent/actor/model-planner.ts';
import { agentPolicy } from '../../../agent/episode-policy.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { trainRun } from '../../../agent/world-model/training-run.ts';
import { getSim } from '../../../sims/index.ts';
import { runEpisodes } from '../../../world/rollout.ts';

let agent: Agent;

beforeAll(async () => {
  await initBackend('wasm');
  const config = {
    perception: { latent: 8, hidden: 32, branch: 16 },
    worldModel: { hidden: 32, expander: [32], probeHidden: 16, level2Hidden: 16, level2Latent: 4 },
    planning: { candidates: 4, iterations: 3, warmIterations: 2, horizon: 6, timeBudgetMs: 1e9 },
  };
  const preset = { transitions: 1000, steps: 30, batch: 16, sequence: 9, evalTransitions: 400, probeSteps: 20, criticSteps: 5, distill: { rounds: 0, episodes: 0, steps: 0, batch: 1 } };
  agent = trainRun({ sim: getSim('reach'), preset, presetName: 'tiny', seed: 4, config }).agent;
});

describe('Mode-2 agent', () => {
  it('plans every tick in mode2, within bounds, counting model evaluations', () => {
    agent.setTask({ mode: 'mode2' });
    runEpisodes({ sim: getSim('reach'), policy: agentPolicy([agent]), episodes: 1, seed: 9 });
    const planner = agent.planner as ModelPlanner;
    expect(agent.lastMode).toBe('mode2');
    expect(planner.totals.decisions).toBe(agent.modeCounts.mode2);
    expect(planner.lastStats.iterations).toBe(2); // warm-started from the shifted plan after the first tick
    expect(planner.totals.modelEvals / planner.totals.decisions).toBeGreaterThanOrEqual(4 * 6 * 2);
    const actions = agent.memory.latest(50).actions;
    expect(actions.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('in auto mode plans only on some ticks', () => {
    agent.setTask({ mode: 'auto' });
    const before = { ...agent.modeCounts };
    runEpisodes({ sim: getSim('reach'), policy: agentPolicy([agent]), episodes: 1, seed: 10 });
    const mode1 = agent.modeCounts.mode1 - before.mode1;
    const mode2 = agent.modeCounts.mode2 - before.mode2;
    expect(mode2).toBeGreaterThan(0); // at least the first tick of the episode
    expect(mode1 + mode2).toBeGreaterThan(1);
  });
});

describe('hierarchical Mode-2 (gd-hier)', () => {
  it('plans subgoals at level 2 and reaches for them at level 1, counting both levels', async () => {
    const { HierarchicalPlanner } = await import('../../../agent/actor/hierarchical-planner.ts');
    const config = {
      perception: { latent: 8, hidden: 32, branch: 16 },
      worldModel: { hidden: 32, expander: [32], probeHidden: 16, level2Hidden: 16, level2Latent: 4 },
      planning: { planner: 'gd-hier' as const, candidates: 4, iterations: 2, horizon: 6, coarseHorizon: 3, timeBudgetMs: 1e9 },
      actor: { mode: 'mode2' as const },
    };
    const preset = { transitions: 800, steps: 20, batch: 16, sequence: 9, evalTransitions: 300, probeSteps: 10, criticSteps: 0, distill: { rounds: 0, episodes: 0, steps: 0, batch: 1 } };
    const hier = trainRun({ sim: getSim('two-rooms'), preset, presetName: 'tiny', seed: 5, config }).agent;
    expect(hier.planner).toBeInstanceOf(HierarchicalPlanner);
    const result = runEpisodes({ sim: getSim('two-rooms'), policy: agentPolicy([hier]), episodes: 1, seed: 2 });
    const totals = hier.planner!.totals!;
    expect(totals.decisions).toBe(result.totalSteps);
    // Level 1: 4 candidates × 6 steps × (2 iterations + scoring); level 2 adds its coarse rollouts every 4 ticks.
    expect(totals.modelEvals).toBeGreaterThan(totals.decisions * 4 * 6 * 2);
    hier.dispose();
  });
});
