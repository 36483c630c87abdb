// Exploration policies: mixed exploration is momentum alone at share 0, noisy scripted driving at share 1.
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { runEpisodes, startEpisode, type PolicyFactory } from '../../world/episodes.ts';
import { mixedExploration, momentumPolicy } from '../../world/exploration.ts';

/** The actions a policy takes over the first ticks of one seeded episode. */
function actionsOf(factory: PolicyFactory, sim: string, seed: number, ticks: number): number[] {
  const env = new Env(getSim(sim));
  const { first, policy } = startEpisode(env, factory, 0, seed);
  let r = first;
  const out: number[] = [];
  for (let t = 0; t < ticks; t++) {
    const a = policy.act(r.observations, r.info.state);
    out.push(...a[0]!);
    r = env.step(a);
  }
  return out;
}

describe('mixedExploration', () => {
  it('is exactly momentum exploration at share 0', () => {
    expect(actionsOf(mixedExploration(0), 'two-rooms', 3, 40)).toEqual(actionsOf(momentumPolicy(), 'two-rooms', 3, 40));
  });

  it('at share 1 follows the scripted route through the door, with noise on it', () => {
    const sim = getSim('two-rooms');
    const noisy = runEpisodes({ sim, policy: mixedExploration(1), episodes: 10, seed: 100 });
    const explore = runEpisodes({ sim, policy: momentumPolicy(), episodes: 10, seed: 100 });
    expect(noisy.successRate).toBeGreaterThanOrEqual(0.5);
    expect(explore.successRate).toBeLessThan(noisy.successRate);
    const scripted = actionsOf(({ env, scene }) => ({ act: (_o, state) => env.sim.scripted(scene)(state) }), 'two-rooms', 100, 20);
    expect(actionsOf(mixedExploration(1), 'two-rooms', 100, 20)).not.toEqual(scripted);
  });

  it('refuses a share outside [0, 1]', () => {
    expect(() => mixedExploration(1.5)).toThrow(/scriptedShare must be in \[0, 1\]; got 1.5/);
  });
});
