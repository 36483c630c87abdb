// The typed RxJS ports between the agent's modules. Messages are plain data (numbers, typed arrays), never tensors.
import type { BehaviorSubject, Observable, Subject } from 'rxjs';
import type { Vec } from '../world/sim.ts';
import type { Mode } from './config.ts';

/** perception, actor, cost → memory: one tick as the agent lived it. */
export interface MemoryRecord {
  observation: Float32Array;
  /** The representation s = Enc(observation) at the time. */
  state: Float32Array;
  action: Float32Array;
  /** Each loaded intrinsic cost's value, in `costNames` order. */
  costs: Float32Array;
  episode: number;
  step: number;
  /** True on the last tick of an episode. */
  done: boolean;
}

/** world → perception: one agent's observation at a tick. */
export interface ObservationMsg {
  episode: number;
  tick: number;
  values: Float32Array;
}

/** A task for the configurator: any field given replaces the current one. */
export interface Task {
  /** Intrinsic cost name → weight u_i. */
  weights?: Record<string, number>;
  criticWeight?: number;
  /** A goal in observation units (same frame as `agent.x`, `agent.y`); null returns to the world's goal. */
  goal?: Vec | null;
  mode?: Mode;
  horizon?: number;
}

/** configurator → every module: the settings in force. */
export interface AgentSettings {
  weights: Readonly<Record<string, number>>;
  criticWeight: number;
  horizon: number;
  mode: Mode;
  goal: Vec | null;
}

/** perception → actor, memory: the observation as the agent read it (task applied) and s = Enc(x). */
export interface StateMsg {
  episode: number;
  tick: number;
  perceived: Float32Array;
  s: Float32Array;
}

/** actor → world: the action chosen and by which mode. */
export interface ActionMsg {
  tick: number;
  action: Float32Array;
  mode: 'mode1' | 'mode2';
}

/** cost → memory, logs, viewer: each intrinsic cost's value and the weighted total. */
export interface CostMsg {
  tick: number;
  /** Unweighted values in the cost module's name order. */
  values: Float32Array;
  terms: Record<string, number>;
  total: number;
}

export interface AgentPorts {
  observation$: Subject<ObservationMsg>;
  task$: Subject<Task>;
  settings$: BehaviorSubject<AgentSettings>;
  state$: Observable<StateMsg>;
  action$: Observable<ActionMsg>;
  cost$: Observable<CostMsg>;
  record$: Observable<MemoryRecord>;
}
