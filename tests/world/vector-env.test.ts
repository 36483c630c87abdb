// VectorEnv: each world bit-identical to its seed run alone, autoreset with the final observation, idle worlds, errors.
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { ACTION_SIZE, Env } from '../../world/env.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { SimDefinition } from '../../world/sim.ts';
import { VectorEnv, type VectorResetResult, type VectorStepResult } from '../../world/vector-env.ts';

/** A deterministic action for (episode seed, step, agent): the same whichever world runs the episode. */
function actionOf(seed: number, step: number, agent: number): Float32Array {
  const rng = new Rng((seed * 7919 + step * 31 + agent) >>> 0);
  return Float32Array.from({ length: ACTION_SIZE }, () => rng.next() * 2.4 - 1.2);
}

/** Every episode of a seed run alone: its observations after each step (first the reset's), flattened per agent. */
function alone(sim: SimDefinition, seed: number): { observations: Float32Array[]; success: boolean; steps: number } {
  const env = new Env(sim);
  const first = env.reset({ seed });
  const observations = [concat(first.observations)];
  for (;;) {
    const step = env.state.step;
    const r = env.step(Array.from({ length: sim.agentCount }, (_, a) => actionOf(seed, step, a)));
    observations.push(concat(r.observations));
    if (r.terminated || r.truncated) return { observations, success: r.info.success, steps: r.info.state.step };
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Runs `episodes` episodes from `seed` in N worlds and returns each episode's observations, keyed by episode. */
function vectorRun(sim: SimDefinition, n: number, seed: number, episodes: number): Map<number, { seed: number; observations: Float32Array[]; success: boolean; steps: number }> {
  const vec = new VectorEnv(sim, n);
  const out = new Map<number, { seed: number; observations: Float32Array[]; success: boolean; steps: number }>();
  let r: VectorResetResult & Partial<VectorStepResult> = vec.reset({ seed, episodes });
  const row = (obs: Float32Array, i: number): Float32Array => obs.slice(i * vec.rowSize, (i + 1) * vec.rowSize);
  for (let i = 0; i < n; i++) out.set(r.info.episode[i]!, { seed: r.info.seeds[i]!, observations: [row(r.observations, i)], success: false, steps: 0 });
  while (!vec.done) {
    const actions = new Float32Array(n * vec.agentCount * ACTION_SIZE);
    for (let i = 0; i < n; i++) {
      if (!r.info.active[i]) continue;
      for (let a = 0; a < vec.agentCount; a++) actions.set(actionOf(r.info.seeds[i]!, r.info.states[i]!.step, a), (i * vec.agentCount + a) * ACTION_SIZE);
    }
    const before = r;
    const s = vec.step(actions);
    r = s;
    for (let i = 0; i < n; i++) {
      if (!before.info.active[i]) continue;
      const ended = r.info.final[i];
      const entry = out.get(before.info.episode[i]!)!;
      if (ended) {
        expect(s.terminated[i]! || s.truncated[i]!).toBe(true);
        entry.observations.push(ended.observations);
        entry.success = ended.success;
        entry.steps = ended.state.step;
        if (r.info.active[i]) out.set(r.info.episode[i]!, { seed: r.info.seeds[i]!, observations: [row(r.observations, i)], success: false, steps: 0 });
      } else {
        expect(s.terminated[i]! || s.truncated[i]!).toBe(false);
        entry.observations.push(row(r.observations, i));
      }
    }
  }
  return out;
}

describe('VectorEnv', () => {
  it.each([
    ['reach', 1],
    ['reach', 3],
    ['two-rooms', 4],
    ['forage', 2],
  ])('keeps every world of %s (N = %i) bit-identical to its episode seed run alone, across autoresets', (name, n) => {
    const sim = { ...getSim(name), maxSteps: 40 };
    const episodes = 7;
    const runs = vectorRun(sim, n, 100, episodes);
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [episode, run] of runs) {
      expect(run.seed).toBe(deriveSeed(100, 'episode', episode));
      const single = alone(sim, run.seed);
      expect(run.steps).toBe(single.steps);
      expect(run.success).toBe(single.success);
      expect(run.observations).toHaveLength(single.observations.length);
      run.observations.forEach((o, t) => expect(Buffer.from(o.buffer).equals(Buffer.from(single.observations[t]!.buffer))).toBe(true));
    }
  });

  it('autoresets an ended world in the same step: the final observation in info, the next episode first', () => {
    const sim = { ...getSim('reach'), maxSteps: 5 };
    const vec = new VectorEnv(sim, 2);
    vec.reset({ seed: 9, episodes: 3 });
    const zero = new Float32Array(2 * ACTION_SIZE);
    for (let t = 0; t < 4; t++) expect(vec.step(zero).info.final).toEqual([null, null]);
    const r = vec.step(zero);
    expect(r.truncated).toEqual([true, true]);
    expect(r.info.final.map((f) => f?.episode)).toEqual([0, 1]);
    expect(r.info.final.map((f) => f?.seed)).toEqual([9, 10]);
    // World 0 starts episode 2; world 1 has nothing left to start and waits with its last observation.
    expect([...r.info.episode]).toEqual([2, -1]);
    expect(r.info.active).toEqual([true, false]);
    const fresh = new Env(sim).reset({ seed: 11 });
    expect([...r.observations.subarray(0, vec.rowSize)]).toEqual([...fresh.observations[0]!]);
    expect([...r.observations.subarray(vec.rowSize)]).toEqual([...r.info.final[1]!.observations]);
    expect(r.info.states[0]!.step).toBe(0);
    for (let t = 0; t < 4; t++) vec.step(zero);
    expect(vec.done).toBe(false);
    vec.step(zero);
    expect(vec.done).toBe(true);
    expect(vec.episodesStarted).toBe(3);
  });

  it('stops starting episodes on request, and refuses wrong inputs in words', () => {
    const sim = getSim('reach');
    const vec = new VectorEnv(sim, 2);
    expect(() => vec.step(new Float32Array(4))).toThrow(/before reset\(\)/);
    expect(() => vec.reset({ seed: 0, episodes: 1 })).toThrow(/asks for 1 episode\(s\) but has 2 worlds/);
    vec.reset({ seed: 0 });
    expect(() => vec.step(new Float32Array(3))).toThrow(/got 3 action values; expected 4 \(2 worlds × 1 agent\(s\) × 2\)/);
    const bad = new Float32Array(4);
    bad[3] = NaN;
    expect(() => vec.step(bad)).toThrow(/non-finite/);
    expect(() => new VectorEnv(sim, 0)).toThrow(/≥ 1; got 0/);
    vec.reset({ seed: 0 });
    vec.stopStarting();
    expect(vec.episodesStarted).toBe(2);
  });
});
