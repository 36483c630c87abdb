// The cost meter: a baseline's ticks are priced in batches, with the same values as one tick at a time, in episode order.
import { beforeAll, describe, expect, it } from 'vitest';
import { meterCosts } from '../../../agent/cost/index.ts';
import { simCosts } from '../../../agent/harness/costs.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { runEpisodes } from '../../../world/episodes.ts';
import { randomPolicy } from '../../../world/exploration.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('meterCosts', () => {
  it.each(['two-rooms', 'forage'])('prices %s ticks in batches exactly as tick by tick, extras included', (name) => {
    const sim = getSim(name);
    const layout = new Env(sim).observationLayout;
    const { costs } = simCosts(sim, layout);
    const meter = meterCosts(randomPolicy, costs, layout);
    const k = costs.names.length;
    const sums = new Map<number, Float64Array>();
    let count = 0;
    runEpisodes({
      sim,
      policy: (ctx) => {
        const p = meter.policy(ctx);
        return {
          act: (observations, state) => {
            const actions = p.act(observations, state);
            const s = sums.get(ctx.episode) ?? new Float64Array(k);
            sums.set(ctx.episode, s);
            actions.forEach((a, i) => {
              const values = costs.evaluate(observations[i]!, a, layout);
              values.forEach((v, j) => (s[j] = s[j]! + v));
              if (i === 0 && state.step % 50 === 7) expect(p.extras!().costs).toEqual(Object.fromEntries(costs.names.map((n, j) => [n, values[j]!])));
              count++;
            });
            return actions;
          },
          end: () => p.end!(),
        };
      },
      episodes: 3,
      seed: 4,
    });
    const total = new Float64Array(k);
    for (const e of [0, 1, 2]) sums.get(e)!.forEach((v, j) => (total[j] = total[j]! + v));
    expect(meter.means()).toEqual(Object.fromEntries(costs.names.map((n, j) => [n, total[j]! / count])));
  });
});
