// N worlds of one sim stepped in lockstep (Gymnasium's VectorEnv in our names): batched observations, autoreset by episode seed.
import { ACTION_SIZE, Env } from './env.ts';
import { deriveSeed } from './seeds.ts';
import type { SimDefinition, WorldState } from './sim.ts';

/** A world's episode as it ended, kept in `info.final` of the step that reset it (Gymnasium's `final_obs`, `final_info`). */
export interface FinalStep {
  episode: number;
  seed: number;
  /** The last observations of the episode. @shape [agents, observationSize] */
  observations: Float32Array;
  state: WorldState;
  success: boolean;
  terminated: boolean;
  truncated: boolean;
}

export interface VectorInfo {
  /** Ground truth of each world (of its new episode after an autoreset); never an input to the agent. */
  states: WorldState[];
  success: boolean[];
  /** The episode each world is in: episode k runs with seed `deriveSeed(seed, 'episode', k)`; -1 for an idle world. */
  episode: Int32Array;
  seeds: number[];
  /** False for a world that has finished its last episode and waits (its observations and state stay the last ones). */
  active: boolean[];
  /** The ended episode of each world that ended on this step (then autoreset), else null. */
  final: (FinalStep | null)[];
}

export interface VectorResetResult {
  /** @shape [N, agents, observationSize] */
  observations: Float32Array;
  info: VectorInfo;
}

export interface VectorStepResult extends VectorResetResult {
  /** World i's episode ended inside the task on this step. */
  terminated: boolean[];
  /** World i's episode hit the sim's step limit on this step. */
  truncated: boolean[];
}

/**
 * N `Env`s of one sim. `reset({ seed })` starts episode i (seed `deriveSeed(seed, 'episode', i)`, which is seed + i) in
 * world i; a world whose episode ends starts the next episode not yet started, on that episode's seed, in the same
 * step. So episode k always runs on the same seed, and each world is bit-identical to an `Env` reset to that seed alone,
 * whatever N. With an episode limit, a world that ends when every episode has started goes idle.
 */
export class VectorEnv {
  readonly envs: Env[];
  readonly observationSize: number;
  private baseSeed = 0;
  private limit = Infinity;
  private started = 0;
  private info: VectorInfo | null = null;
  private observations: Float32Array;

  constructor(
    readonly sim: SimDefinition,
    readonly count: number,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`VectorEnv needs a whole number of worlds ≥ 1; got ${count}`);
    this.envs = Array.from({ length: count }, () => new Env(sim));
    this.observationSize = this.envs[0]!.observationLayout.size;
    this.observations = new Float32Array(count * this.rowSize);
  }

  get agentCount(): number {
    return this.sim.agentCount;
  }

  /** Floats of one world's observations: agents × observationSize. */
  get rowSize(): number {
    return this.sim.agentCount * this.observationSize;
  }

  /** Episodes started so far (the next world to end starts episode `started`). */
  get episodesStarted(): number {
    return this.started;
  }

  /** True once every world is idle (only with an episode limit). */
  get done(): boolean {
    return this.info !== null && !this.info.active.some((a) => a);
  }

  /**
   * Starts episodes 0 … N−1 in worlds 0 … N−1.
   * @param episodes how many episodes to run in all (at least N); worlds go idle once all have started (default: no limit)
   */
  reset(options: { seed?: number; episodes?: number } = {}): VectorResetResult {
    const episodes = options.episodes ?? Infinity;
    if (!(episodes >= 0) || (Number.isFinite(episodes) && !Number.isInteger(episodes))) throw new RangeError(`VectorEnv.reset episodes must be a whole number ≥ 0 or Infinity; got ${episodes}`);
    this.baseSeed = options.seed ?? 0;
    this.limit = episodes;
    this.started = 0;
    if (episodes < this.count) throw new RangeError(`VectorEnv.reset asks for ${episodes} episode(s) but has ${this.count} worlds; build the VectorEnv with at most ${episodes} worlds`);
    const info: VectorInfo = { states: [], success: [], episode: new Int32Array(this.count), seeds: [], active: [], final: new Array<FinalStep | null>(this.count).fill(null) };
    this.observations = new Float32Array(this.count * this.rowSize);
    for (let i = 0; i < this.count; i++) this.begin(i, info);
    this.info = info;
    return { observations: this.observations, info };
  }

  /** Resets world i to the next episode and writes its first observations. */
  private begin(i: number, info: VectorInfo): void {
    const episode = this.started++;
    const seed = deriveSeed(this.baseSeed, 'episode', episode);
    const first = this.envs[i]!.reset({ seed });
    this.write(this.observations, i, first.observations);
    info.states[i] = first.info.state;
    info.success[i] = first.info.success;
    info.episode[i] = episode;
    info.seeds[i] = seed;
    info.active[i] = true;
  }

  private write(target: Float32Array, world: number, observations: readonly Float32Array[]): void {
    observations.forEach((o, a) => target.set(o, world * this.rowSize + a * this.observationSize));
  }

  /** No world starts another episode from now on: each goes idle when its episode ends. */
  stopStarting(): void {
    this.limit = Math.min(this.limit, this.started);
  }

  /**
   * Advances every active world by one step; ended worlds autoreset to the next episode in the same step.
   * @param actions [N, agents, 2] row-major; rows of idle worlds are ignored (values outside [-1, 1] are clamped)
   */
  step(actions: Float32Array): VectorStepResult {
    const previous = this.info;
    if (!previous) throw new Error('VectorEnv.step called before reset(): call vec.reset({ seed }) first');
    const per = this.agentCount * ACTION_SIZE;
    if (actions.length !== this.count * per) {
      throw new RangeError(`VectorEnv.step got ${actions.length} action values; expected ${this.count * per} (${this.count} worlds × ${this.agentCount} agent(s) × ${ACTION_SIZE})`);
    }
    const observations = Float32Array.from(this.observations);
    const info: VectorInfo = {
      states: [...previous.states],
      success: [...previous.success],
      episode: Int32Array.from(previous.episode),
      seeds: [...previous.seeds],
      active: [...previous.active],
      final: new Array<FinalStep | null>(this.count).fill(null),
    };
    const terminated = new Array<boolean>(this.count).fill(false);
    const truncated = new Array<boolean>(this.count).fill(false);
    this.observations = observations;
    for (let i = 0; i < this.count; i++) {
      if (!info.active[i]) continue;
      const bodies = Array.from({ length: this.agentCount }, (_, a) => actions.subarray(i * per + a * ACTION_SIZE, i * per + (a + 1) * ACTION_SIZE));
      const r = this.envs[i]!.step(bodies);
      terminated[i] = r.terminated;
      truncated[i] = r.truncated;
      info.states[i] = r.info.state;
      info.success[i] = r.info.success;
      if (!r.terminated && !r.truncated) {
        this.write(observations, i, r.observations);
        continue;
      }
      const last = new Float32Array(this.rowSize);
      this.write(last, 0, r.observations);
      info.final[i] = { episode: info.episode[i]!, seed: info.seeds[i]!, observations: last, state: r.info.state, success: r.info.success, terminated: r.terminated, truncated: r.truncated };
      if (this.started < this.limit) this.begin(i, info);
      else {
        observations.set(last, i * this.rowSize);
        info.active[i] = false;
        info.episode[i] = -1;
      }
    }
    this.info = info;
    return { observations, terminated, truncated, info };
  }
}
