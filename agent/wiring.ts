// Wires the modules' functions into streams: observation → perception → actor → action, then cost → memory.
import { map, share, withLatestFrom, zip, type Observable } from 'rxjs';
import type { MemoryRecord } from './memory/index.ts';
import type { ActionMsg, AgentSettings, CostMsg, ObservationMsg, StateMsg } from './ports.ts';

/** What each module contributes to a tick, as plain functions. */
export interface ModuleFunctions {
  /** configurator: the observation as the current task makes the agent read it. */
  perceive(values: Float32Array, settings: AgentSettings): Float32Array;
  /** perception: s = Enc(x). */
  encode(perceived: Float32Array): Float32Array;
  /** actor: Mode-1 or Mode-2 as the settings say. */
  act(s: Float32Array, settings: AgentSettings): Omit<ActionMsg, 'tick'>;
  /** cost: intrinsic costs of this state and action. */
  cost(perceived: Float32Array, action: Float32Array, settings: AgentSettings): Omit<CostMsg, 'tick'>;
}

export interface AgentStreams {
  state$: Observable<StateMsg>;
  action$: Observable<ActionMsg>;
  cost$: Observable<CostMsg>;
  record$: Observable<MemoryRecord>;
}

/** Pure wiring: the same inputs in the same order give the same outputs; nothing here keeps time. */
export function wireAgent(fns: ModuleFunctions, observation$: Observable<ObservationMsg>, settings$: Observable<AgentSettings>): AgentStreams {
  const state$ = observation$.pipe(
    withLatestFrom(settings$),
    map(([o, settings]): StateMsg => {
      const perceived = fns.perceive(o.values, settings);
      return { episode: o.episode, tick: o.tick, perceived, s: fns.encode(perceived) };
    }),
    share(),
  );
  const action$ = state$.pipe(
    withLatestFrom(settings$),
    map(([st, settings]): ActionMsg => ({ tick: st.tick, ...fns.act(st.s, settings) })),
    share(),
  );
  const cost$ = zip(state$, action$).pipe(
    withLatestFrom(settings$),
    map(([[st, ac], settings]): CostMsg => ({ tick: st.tick, ...fns.cost(st.perceived, ac.action, settings) })),
    share(),
  );
  const record$ = zip(state$, action$, cost$).pipe(
    map(([st, ac, c]): MemoryRecord => ({
      observation: st.perceived,
      state: st.s,
      action: ac.action,
      costs: c.values,
      episode: st.episode,
      step: st.tick,
      done: false,
    })),
  );
  return { state$, action$, cost$, record$ };
}
