// The vector episode runner: the same episodes whatever N, reported in episode order; a stop cuts the episodes under way.
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { momentumPolicy, randomPolicy, scriptedPolicy } from '../../world/exploration.ts';
import { perEpisode, runVectorEpisodes } from '../../world/vector-episodes.ts';

describe('runVectorEpisodes', () => {
  it.each([1, 3, 8])('gives the episodes of the single runner with N = %i, reported in episode order', (n) => {
    for (const [name, policy] of [['reach', scriptedPolicy], ['two-rooms', randomPolicy], ['forage', momentumPolicy()]] as const) {
      const sim = getSim(name);
      const single = runEpisodes({ sim, policy, episodes: 6, seed: 70 });
      const order: number[] = [];
      const vector = runVectorEpisodes({ sim, envs: n, policy: perEpisode(policy), episodes: 6, seed: 70, onEpisode: (r) => order.push(r.episode) });
      expect(vector.episodes).toEqual(single.episodes);
      expect(vector.totalSteps).toBe(single.totalSteps);
      expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('calls each episode policy’s end once, and a stop cuts the episodes under way', () => {
    let ends = 0;
    let ticks = 0;
    const result = runVectorEpisodes({
      sim: getSim('reach'),
      envs: 3,
      policy: perEpisode((ctx) => {
        const inner = randomPolicy(ctx);
        return { act: (o, s) => (ticks++, inner.act(o, s)), end: () => ends++ };
      }),
      episodes: 10,
      seed: 0,
      stop: () => ticks >= 30,
    });
    expect(result.episodes.map((e) => e.episode)).toEqual([0, 1, 2]);
    expect(result.episodes.map((e) => e.steps)).toEqual([10, 10, 10]);
    expect(ends).toBe(3);
    expect(() => runVectorEpisodes({ sim: getSim('reach'), envs: 0, policy: perEpisode(randomPolicy), episodes: 1, seed: 0 })).toThrow(/envs must be a whole number ≥ 1; got 0/);
  });
});
