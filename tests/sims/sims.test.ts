// Every registered sim passes the env checker, is deterministic, and its scripted controller mostly succeeds.
import { describe, expect, it } from 'vitest';
import { getSim, sims } from '../../sims/index.ts';
import { checkEnv } from '../../world/check-env.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { randomPolicy, scriptedPolicy } from '../../world/exploration.ts';

describe.each(Object.keys(sims))('sim %s', (name) => {
  const sim = getSim(name);

  it('passes the env checker', () => {
    expect(() => checkEnv(sim, { steps: 150 })).not.toThrow();
  });

  it('replays identically for the same seed', () => {
    const a = runEpisodes({ sim, policy: randomPolicy, episodes: 2, seed: 11 });
    const b = runEpisodes({ sim, policy: randomPolicy, episodes: 2, seed: 11 });
    expect(b.episodes).toEqual(a.episodes);
  });

  it('is solved by its scripted controller on most episodes and not by idling', () => {
    const scripted = runEpisodes({ sim, policy: scriptedPolicy, episodes: 10, seed: 100 });
    expect(scripted.successRate).toBeGreaterThanOrEqual(0.8);
    const idle = runEpisodes({ sim, policy: ({ env }) => ({ act: () => Array.from({ length: env.agentCount }, () => new Float32Array(2)) }), episodes: 5, seed: 100 });
    expect(idle.successRate).toBe(0);
  });

  it('declares an unambiguous layout and suggested costs', () => {
    expect(sim.suggestedCosts.length).toBeGreaterThan(0);
    expect(sim.description.length).toBeGreaterThan(10);
  });
});

describe('registry', () => {
  it('names the available sims for an unknown name', () => {
    expect(() => getSim('nope')).toThrow(/unknown sim 'nope'; available sims: .*reach/);
  });
});
