// Runs a policy in a sim for a number of seeded episodes, optionally recording every tick.
import { Env, type Observation } from './env.ts';
import type { Overlay } from './overlay.ts';
import { RecordingWriter, tickRecord } from './recording.ts';
import { Rng } from './rng.ts';
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
  episodes: number;
  /** Episode i runs with seed `seed + i`. */
  seed: number;
  recorder?: RecordingWriter;
  onEpisode?: (result: EpisodeResult) => void;
}

/** The seed of a policy's random stream for an episode, distinct from the world's. */
export function policySeed(episodeSeed: number): number {
  return new Rng(episodeSeed).fork().nextUint32();
}

export function runEpisodes(options: RunOptions): RunResult {
  const { sim, episodes, seed, recorder } = options;
  const env = new Env(sim);
  const results: EpisodeResult[] = [];
  let totalSteps = 0;
  const started = performance.now();
  for (let episode = 0; episode < episodes; episode++) {
    const episodeSeed = seed + episode;
    const first = env.reset({ seed: episodeSeed });
    const scene = first.info.state.scene;
    recorder?.write({ type: 'episode', episode, seed: episodeSeed, scene });
    const policy = options.policy({ env, scene, episode, seed: episodeSeed, rng: new Rng(policySeed(episodeSeed)) });
    let observations = first.observations;
    let state = first.info.state;
    let success = first.info.success;
    let done = false;
    while (!done) {
      const actions = policy.act(observations, state);
      const r = env.step(actions);
      recorder?.write(tickRecord(episode, r.info.state, actions, r.info.success, policy.extras?.()));
      observations = r.observations;
      state = r.info.state;
      success = r.info.success;
      done = r.terminated || r.truncated;
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
    successRate: results.filter((r) => r.success).length / Math.max(1, episodes),
    meanSteps: totalSteps / Math.max(1, episodes),
    totalSteps,
    stepsPerSecond: totalSteps / Math.max(seconds, 1e-9),
  };
}

/** Uniform random actions from the policy's seeded stream. */
export const randomPolicy: PolicyFactory = ({ env, rng }) => ({
  act: () => Array.from({ length: env.agentCount }, () => env.actionSpace.sample(rng)),
});

/** The sim's hand-written controller, which reads ground truth. */
export const scriptedPolicy: PolicyFactory = ({ env, scene }) => {
  const controller = env.sim.scripted(scene);
  return { act: (_observations, state) => controller(state) };
};

/**
 * Exploration without any success signal: random actions with momentum, a_t = clip(ρ·a_t−1 + σ·ε), so the
 * bodies travel instead of jittering in place.
 */
export function momentumPolicy(rho = 0.9, sigma = 0.45): PolicyFactory {
  return ({ env, rng }) => {
    const previous = Array.from({ length: env.agentCount }, () => new Float32Array(2));
    return {
      act: () =>
        previous.map((p) => {
          for (let j = 0; j < p.length; j++) p[j] = Math.max(-1, Math.min(1, rho * p[j]! + sigma * rng.normal()));
          return Float32Array.from(p);
        }),
    };
  };
}

/**
 * Exploration data that also covers the task's routes: each episode is, with probability `scriptedShare`, the sim's
 * scripted controller with the explorer's actions added as noise, and otherwise the explorer alone (momentum by
 * default). No success signal is used; offline datasets for world models mix such policies (PLDM, DINO-WM).
 */
export function mixedExploration(scriptedShare: number, explore: PolicyFactory = momentumPolicy()): PolicyFactory {
  if (!(scriptedShare >= 0 && scriptedShare <= 1)) throw new RangeError(`scriptedShare must be in [0, 1]; got ${scriptedShare}`);
  return (ctx) => {
    const noise = explore(ctx);
    if (scriptedShare === 0 || ctx.rng.next() >= scriptedShare) return noise;
    const controller = ctx.env.sim.scripted(ctx.scene);
    return {
      act: (observations, state) => {
        const jitter = noise.act(observations, state);
        return controller(state).map((a, i) => a.map((v, j) => Math.max(-1, Math.min(1, v + jitter[i]![j]!))));
      },
    };
  };
}
