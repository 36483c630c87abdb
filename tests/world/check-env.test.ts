// The env checker fails a broken env with one clear line per problem: each of its checks fires on the fault it names.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { checkEnv } from '../../world/check-env.ts';
import { Env, type StepResult } from '../../world/env.ts';
import type { SimDefinition } from '../../world/sim.ts';

const reach = getSim('reach');
const steps = 5;

/** The problems checkEnv lists for a sim (none when it passes). */
function problems(sim: SimDefinition): string[] {
  try {
    checkEnv(sim, { steps });
    return [];
  } catch (e) {
    const [head, ...lines] = (e as Error).message.split('\n- ');
    expect(head).toBe(`sim '${sim.name}' fails the env checker:`);
    return lines;
  }
}

/** Makes every Env built from now on step through `wrap` instead of its own step. */
function brokenStep(wrap: (step: (actions: readonly ArrayLike<number>[]) => StepResult, actions: readonly ArrayLike<number>[]) => StepResult): void {
  const step = Env.prototype.step;
  vi.spyOn(Env.prototype, 'step').mockImplementation(function (this: Env, actions) {
    return wrap((a) => step.call(this, a), actions);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkEnv', () => {
  it('passes a sound sim (reach), so each failure below is the breakage alone', () => {
    expect(problems(reach)).toEqual([]);
  });

  it('fails a sim that builds its scene with Math.random instead of the seeded rng', () => {
    const sim: SimDefinition = { ...reach, name: 'unseeded', build: (rng) => ({ ...reach.build(rng), agents: [{ x: 40 + 320 * Math.random(), y: 200 }] }) };
    expect(problems(sim)).toEqual(['two runs with the same seed and actions differ: the env is not deterministic']);
  });

  it('fails a sim whose reset ignores the seed', () => {
    const fixed = { walls: [], agents: [{ x: 100, y: 100 }], goals: [{ x: 300, y: 300 }], blocks: [], targets: [], food: [], meta: {} };
    const sim: SimDefinition = { ...reach, name: 'fixed', build: () => structuredClone(fixed) };
    expect(problems(sim)).toEqual(['seeds 1 and 2 produce the same first observation: reset ignores the seed']);
  });

  it('fails an observation outside its space: a sim feature that reads NaN', () => {
    const sim: SimDefinition = { ...reach, name: 'nan-feature', features: [{ name: 'broken', read: () => Number.NaN }] };
    const found = problems(sim);
    expect(found).toHaveLength(2 * steps);
    expect(new Set(found)).toEqual(new Set(Array.from({ length: steps }, (_, t) => `step ${t}: observation of agent 0 is outside the observation space or has NaN`)));
  });

  it('fails a step whose terminated is not a boolean: a sim whose success test returns a number', () => {
    const sim: SimDefinition = { ...reach, name: 'numeric-success', success: (state) => (state.step > 1_000 ? 1 : 0) as unknown as boolean };
    const found = problems(sim);
    expect(found).toHaveLength(2 * steps);
    expect(new Set(found)).toEqual(new Set(['step must return boolean terminated and truncated']));
  });

  it('fails a step limit that is not a whole number of steps', () => {
    const sim: SimDefinition = { ...reach, name: 'half-step', maxSteps: 10.5 };
    expect(problems(sim)).toEqual(['truncated at step 11, maxSteps is 10.5']);
  });

  it('fails an env that reset with the wrong number of observations', () => {
    const reset = Env.prototype.reset;
    vi.spyOn(Env.prototype, 'reset').mockImplementation(function (this: Env, options) {
      const r = reset.call(this, options);
      return { ...r, observations: [...r.observations, r.observations[0]!] };
    });
    expect(problems(reach)).toEqual(['reset returned 2 observations for 1 agents', 'reset returned 2 observations for 1 agents']);
  });

  it('fails an env whose observations are shorter than its layout', () => {
    brokenStep((step, actions) => {
      const r = step(actions);
      return { ...r, observations: r.observations.map((o) => o.subarray(1)) };
    });
    const size = new Env(reach).observationLayout.size;
    const found = problems(reach);
    expect(found).toContain(`observation length ${size - 1} != layout size ${size}`);
    expect(found).toContain('step 0: observation of agent 0 is outside the observation space or has NaN');
  });

  it('fails an env that accepts a NaN action', () => {
    brokenStep((step, actions) => step(actions.map((a) => Array.from(a, (v) => (Number.isNaN(v) ? 0 : v)))));
    expect(problems(reach)).toEqual(['a NaN action was accepted; it must throw']);
  });

  it('fails an env that refuses a NaN action with something other than a RangeError', () => {
    brokenStep((step, actions) => {
      if (actions.some((a) => Array.from(a).some(Number.isNaN))) throw new TypeError('bad action');
      return step(actions);
    });
    expect(problems(reach)).toEqual(['a NaN action threw TypeError: bad action instead of a RangeError']);
  });

  it('fails an env that throws on an out-of-range action instead of clamping it', () => {
    brokenStep((step, actions) => {
      if (actions.some((a) => Array.from(a).some((v) => Math.abs(v) > 1))) throw new RangeError('action out of range');
      return step(actions);
    });
    expect(problems(reach)).toEqual(['an out-of-range action threw (RangeError: action out of range); it must be clamped']);
  });

  it('fails an env whose episodes never end', () => {
    brokenStep((step, actions) => ({ ...step(actions), truncated: false }));
    expect(problems(reach)).toEqual(['episode did not end after maxSteps=200 steps']);
  });
});
