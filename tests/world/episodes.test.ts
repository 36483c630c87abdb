// The episode runner: seeded episodes, hooks in order, a stop condition that cuts an episode short, the policy's own stream.
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { runEpisodes, type PolicyFactory } from '../../world/episodes.ts';
import { randomPolicy, scriptedPolicy } from '../../world/exploration.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';

describe('runEpisodes', () => {
  it('runs episode i on seed + i and calls the hooks in order, once per episode and once per tick', () => {
    const events: string[] = [];
    let ends = 0;
    const policy: PolicyFactory = (ctx) => {
      const inner = scriptedPolicy(ctx);
      return { act: (o, s) => inner.act(o, s), end: () => ends++ };
    };
    const result = runEpisodes({
      sim: getSim('reach'),
      policy,
      episodes: 3,
      seed: 40,
      onEpisodeStart: (ctx) => events.push(`start ${ctx.episode} ${ctx.seed}`),
      onTick: (tick) => events.push(`tick ${tick.episode} ${tick.result.info.state.step}`),
      onEpisode: (r) => events.push(`end ${r.episode} ${r.steps} ${r.success}`),
    });
    expect(result.episodes.map((e) => e.seed)).toEqual([40, 41, 42]);
    expect(result.successRate).toBe(1);
    expect(ends).toBe(3);
    for (const e of result.episodes) {
      const start = events.indexOf(`start ${e.episode} ${e.seed}`);
      const ticks = Array.from({ length: e.steps }, (_, t) => `tick ${e.episode} ${t + 1}`);
      expect(events.slice(start, start + e.steps + 2)).toEqual([`start ${e.episode} ${e.seed}`, ...ticks, `end ${e.episode} ${e.steps} true`]);
    }
    expect(events).toHaveLength(result.totalSteps + 6);
  });

  it('hands each tick the observations the policy saw, its actions and the step that followed', () => {
    let previous: Float32Array[] | null = null;
    runEpisodes({
      sim: getSim('two-rooms'),
      policy: randomPolicy,
      episodes: 1,
      seed: 3,
      onTick: ({ observations, state, actions, result }) => {
        if (previous) expect(observations).toBe(previous);
        expect(result.info.state.step).toBe(state.step + 1);
        expect(actions).toHaveLength(1);
        previous = result.observations;
      },
    });
    expect(previous).not.toBeNull();
  });

  it('stops at a tick budget, mid-episode, and reports the cut episode', () => {
    let ticks = 0;
    const ended: number[] = [];
    const result = runEpisodes({
      sim: getSim('reach'),
      policy: randomPolicy,
      episodes: Infinity,
      seed: 0,
      onTick: () => ticks++,
      onEpisode: (r) => ended.push(r.steps),
      stop: () => ticks >= 450,
    });
    expect(ticks).toBe(450);
    expect(ended).toEqual([200, 200, 50]);
    expect(result.totalSteps).toBe(450);
  });

  it('runs nothing when the stop condition holds from the start', () => {
    expect(runEpisodes({ sim: getSim('reach'), policy: randomPolicy, episodes: 5, seed: 0, stop: () => true }).episodes).toEqual([]);
  });

  it("gives the policy its own random stream, seeded by the episode seed's 'policy' stream", () => {
    const first: number[] = [];
    runEpisodes({
      sim: getSim('reach'),
      policy: (ctx) => {
        first.push(ctx.rng.next());
        return { act: () => [new Float32Array(2)] };
      },
      episodes: 2,
      seed: 9,
    });
    expect(first).toEqual([new Rng(deriveSeed(9, 'policy')).next(), new Rng(deriveSeed(10, 'policy')).next()]);
    expect(first[0]).not.toBe(new Rng(9).next());
  });
});
