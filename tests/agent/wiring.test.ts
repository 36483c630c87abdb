// The agent's wiring on virtual time: each observation yields one state, action, cost and memory record, in order.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { AgentSettings, ObservationMsg } from '../../agent/ports.ts';
import { wireAgent, type ModuleFunctions } from '../../agent/wiring.ts';

const settings = (criticWeight: number, goal: { x: number; y: number } | null = null): AgentSettings => ({
  weights: { c: 2 },
  criticWeight,
  horizon: 4,
  mode: 'mode1',
  goal,
});

/** Toy modules: perception doubles, the actor adds the settings' critic weight, the cost is the action. */
const fns: ModuleFunctions = {
  perceive: (values, s) => (s.goal ? Float32Array.of(values[0]! + s.goal.x) : values),
  encode: (x) => Float32Array.of(x[0]! * 2),
  act: (s, st) => ({ action: Float32Array.of(s[0]! + st.criticWeight), mode: 'mode1' }),
  cost: (_x, a, st) => ({ values: Float32Array.of(a[0]!), terms: { c: a[0]! }, total: a[0]! * st.weights.c! }),
};

const obs = (tick: number, v: number): ObservationMsg => ({ episode: 1, tick, values: Float32Array.of(v) });

describe('wireAgent', () => {
  it('turns each observation into one state, action and cost, using the latest settings', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, hot, expectObservable }) => {
      const observation$ = cold('-a-b---c|', { a: obs(0, 1), b: obs(1, 2), c: obs(2, 3) });
      const settings$ = hot('s----t---', { s: settings(0), t: settings(10, { x: 100, y: 0 }) });
      const { state$, action$, cost$, record$ } = wireAgent(fns, observation$, settings$);
      expectObservable(state$).toBe('-a-b---c|', {
        a: { episode: 1, tick: 0, perceived: Float32Array.of(1), s: Float32Array.of(2) },
        b: { episode: 1, tick: 1, perceived: Float32Array.of(2), s: Float32Array.of(4) },
        c: { episode: 1, tick: 2, perceived: Float32Array.of(103), s: Float32Array.of(206) },
      });
      expectObservable(action$).toBe('-a-b---c|', {
        a: { tick: 0, action: Float32Array.of(2), mode: 'mode1' },
        b: { tick: 1, action: Float32Array.of(4), mode: 'mode1' },
        c: { tick: 2, action: Float32Array.of(216), mode: 'mode1' },
      });
      expectObservable(cost$).toBe('-a-b---c|', {
        a: { tick: 0, values: Float32Array.of(2), terms: { c: 2 }, total: 4 },
        b: { tick: 1, values: Float32Array.of(4), terms: { c: 4 }, total: 8 },
        c: { tick: 2, values: Float32Array.of(216), terms: { c: 216 }, total: 432 },
      });
      expectObservable(record$).toBe('-a-b---c|', {
        a: { observation: Float32Array.of(1), state: Float32Array.of(2), action: Float32Array.of(2), costs: Float32Array.of(2), episode: 1, step: 0, done: false },
        b: { observation: Float32Array.of(2), state: Float32Array.of(4), action: Float32Array.of(4), costs: Float32Array.of(4), episode: 1, step: 1, done: false },
        c: { observation: Float32Array.of(103), state: Float32Array.of(206), action: Float32Array.of(216), costs: Float32Array.of(216), episode: 1, step: 2, done: false },
      });
    });
  });

  it('drops observations that arrive before any settings', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, hot, expectObservable }) => {
      const observation$ = cold('a-b|', { a: obs(0, 1), b: obs(1, 2) });
      const settings$ = hot('-s--', { s: settings(0) });
      const { action$ } = wireAgent(fns, observation$, settings$);
      expectObservable(action$).toBe('--b|', { b: { tick: 1, action: Float32Array.of(4), mode: 'mode1' } });
    });
  });
});
