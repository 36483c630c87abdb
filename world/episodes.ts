// The episode runner: a policy in a sim for seeded episodes, with hooks per tick and per episode and a stop condition.
import { Env, type Observation, type ResetResult, type StepResult } from './env.ts';
import type { Overlay } from './overlay.ts';
import { RecordingWriter, tickRecord } from './recording.ts';
import { Rng } from './rng.ts';
import { deriveSeed } from './seeds.ts';
import type { SceneSpec, SimDefinition, WorldState } from './sim.ts';

/** What a policy may attach to a tick for logs, recordings and the viewer. */
export interface TickExtras {
  costs?: Record<string, number>;
  overlay?: Overlay;
}

/** A policy for one episode: one action per agent from the observations (and, for baselines, ground truth). */
export interface EpisodePolicy {
  act(observations: readonly Observation[], state: WorldState): Float32Array[];
  /** Extras for the tick just acted on. */
  extras?(): TickExtras;
  /** Called once the episode has ended. */
  end?(): void;
}

export interface EpisodeContext {
  env: Env;
  scene: SceneSpec;
  episode: number;
  seed: number;
  /** The policy's own random stream, seeded from the episode seed. */
  rng: Rng;
}

export type PolicyFactory = (ctx: EpisodeContext) => EpisodePolicy;

export interface EpisodeResult {
  episode: number;
  seed: number;
  success: boolean;
  steps: number;
}

/** One tick as the runner's hook sees it: what the policy saw, what it did, and what the world answered. */
export interface Tick {
  episode: number;
  observations: readonly Observation[];
  state: WorldState;
  actions: Float32Array[];
  result: StepResult;
}

export interface RunResult {
  episodes: EpisodeResult[];
  successRate: number;
  meanSteps: number;
  totalSteps: number;
  stepsPerSecond: number;
}

export interface RunOptions {
  sim: SimDefinition;
  policy: PolicyFactory;
  /** The most episodes to run (Infinity with a `stop` condition). */
  episodes: number;
  /** Episode i runs with seed `seed + i`. */
  seed: number;
  recorder?: RecordingWriter;
  /** After the reset and the policy's creation, before the first tick. */
  onEpisodeStart?: (ctx: EpisodeContext) => void;
  /** After every step of the world. */
  onTick?: (tick: Tick) => void;
  /** After an episode ends (or is cut short by `stop`). */
  onEpisode?: (result: EpisodeResult) => void;
  /** Asked before every tick; true ends the run there, mid-episode if need be (a tick budget). */
  stop?: () => boolean;
}

/** Resets the env to an episode's seed and builds the episode's policy with its own random stream. */
export function startEpisode(env: Env, factory: PolicyFactory, episode: number, seed: number): { first: ResetResult; policy: EpisodePolicy; context: EpisodeContext } {
  const first = env.reset({ seed });
  const context = episodeContext(env, first.info.state.scene, episode, seed);
  return { first, policy: factory(context), context };
}

/** What a policy gets to know about an episode that `env` has just been reset to. */
export function episodeContext(env: Env, scene: SceneSpec, episode: number, seed: number): EpisodeContext {
  return { env, scene, episode, seed, rng: new Rng(deriveSeed(seed, 'policy')) };
}

/** Runs the episodes to the end (or until `stop`), synchronously. */
export function runEpisodes(options: RunOptions): RunResult {
  return drainTicks(episodeTicks(options));
}

/**
 * Like runEpisodes, but lets the event loop run every `yieldMs` of work, so a signal handler (Ctrl-C) or a timer can
 * set what `stop` reads; the ticks and their order are the same.
 */
export function runEpisodesYielding(options: RunOptions, yieldMs = 20): Promise<RunResult> {
  return drainTicksYielding(episodeTicks(options), yieldMs);
}

/** Runs a tick-by-tick runner to its end, synchronously. */
export function drainTicks<T>(ticks: Generator<void, T, void>): T {
  for (;;) {
    const next = ticks.next();
    if (next.done) return next.value;
  }
}

/** Runs a tick-by-tick runner to its end, letting the event loop run every `yieldMs` of work. */
export async function drainTicksYielding<T>(ticks: Generator<void, T, void>, yieldMs: number): Promise<T> {
  let last = performance.now();
  for (;;) {
    const next = ticks.next();
    if (next.done) return next.value;
    if (performance.now() - last >= yieldMs) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

/** The runner itself: yields after every tick, returns the result. */
function* episodeTicks(options: RunOptions): Generator<void, RunResult, void> {
  const { sim, episodes, seed, recorder } = options;
  const env = new Env(sim);
  const results: EpisodeResult[] = [];
  let totalSteps = 0;
  const started = performance.now();
  for (let episode = 0; episode < episodes && !options.stop?.(); episode++) {
    const episodeSeed = deriveSeed(seed, 'episode', episode);
    const { first, policy, context } = startEpisode(env, options.policy, episode, episodeSeed);
    recorder?.write({ type: 'episode', episode, seed: episodeSeed, scene: context.scene });
    options.onEpisodeStart?.(context);
    let observations = first.observations;
    let state = first.info.state;
    let success = first.info.success;
    let done = false;
    while (!done && !options.stop?.()) {
      const actions = policy.act(observations, state);
      const r = env.step(actions);
      recorder?.write(tickRecord(episode, r.info.state, actions, r.info.success, policy.extras?.()));
      options.onTick?.({ episode, observations, state, actions, result: r });
      observations = r.observations;
      state = r.info.state;
      success = r.info.success;
      done = r.terminated || r.truncated;
      yield;
    }
    policy.end?.();
    totalSteps += state.step;
    const result = { episode, seed: episodeSeed, success, steps: state.step };
    results.push(result);
    options.onEpisode?.(result);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    episodes: results,
    successRate: results.filter((r) => r.success).length / Math.max(1, results.length),
    meanSteps: totalSteps / Math.max(1, results.length),
    totalSteps,
    stepsPerSecond: totalSteps / Math.max(seconds, 1e-9),
  };
}
