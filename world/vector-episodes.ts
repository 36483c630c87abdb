// The vector episode runner: seeded episodes in N worlds in lockstep, one batched policy call per tick for all of them.
import { ACTION_SIZE } from './env.ts';
import { drainTicks, drainTicksYielding, episodeContext, type EpisodeContext, type EpisodePolicy, type EpisodeResult, type PolicyFactory, type RunResult } from './episodes.ts';
import type { WorldState } from './sim.ts';
import { VectorEnv, type VectorResetResult } from './vector-env.ts';

/** A policy for all worlds of a VectorEnv at once; its episodes follow the worlds' episodes. */
export interface VectorPolicy {
  /** World `world` has just started the episode `ctx` describes. */
  begin(world: number, ctx: EpisodeContext): void;
  /**
   * One action per agent for every active world.
   * @param observations [N, agents, observationSize] @param active rows of idle worlds may hold anything
   * @returns [N, agents, 2] (rows of idle worlds are ignored)
   */
  act(observations: Float32Array, states: readonly WorldState[], active: readonly boolean[]): Float32Array;
  /** World `world`'s episode has ended (or was cut short by `stop`). */
  end(world: number, result: EpisodeResult): void;
}

export type VectorPolicyFactory = (vec: VectorEnv) => VectorPolicy;

/** Any per-episode policy, run as a vector: world w keeps its own EpisodePolicy for the episode it is in. */
export function perEpisode(factory: PolicyFactory): VectorPolicyFactory {
  return (vec) => {
    const policies: (EpisodePolicy | null)[] = new Array<EpisodePolicy | null>(vec.count).fill(null);
    const size = vec.observationSize;
    const per = vec.agentCount * ACTION_SIZE;
    return {
      begin: (world, ctx) => {
        policies[world] = factory(ctx);
      },
      act: (observations, states, active) => {
        const actions = new Float32Array(vec.count * per);
        for (let w = 0; w < vec.count; w++) {
          if (!active[w]) continue;
          const rows = Array.from({ length: vec.agentCount }, (_, a) => observations.subarray((w * vec.agentCount + a) * size, (w * vec.agentCount + a + 1) * size));
          policies[w]!.act(rows, states[w]!).forEach((a, i) => actions.set(a, w * per + i * ACTION_SIZE));
        }
        return actions;
      },
      end: (world) => {
        policies[world]?.end?.();
        policies[world] = null;
      },
    };
  };
}

export interface VectorRunOptions {
  sim: VectorEnv['sim'];
  /** Worlds stepped in lockstep (at most `episodes`). */
  envs: number;
  policy: VectorPolicyFactory;
  /** The most episodes to run (Infinity with a `stop` condition). */
  episodes: number;
  /** Episode i runs with seed `deriveSeed(seed, 'episode', i)`, whatever N. */
  seed: number;
  /** After an episode ends (or is cut short by `stop`), in episode order. */
  onEpisode?: (result: EpisodeResult) => void;
  /** Asked before every lockstep tick; true ends the run there, cutting the episodes under way. */
  stop?: () => boolean;
}

/** Runs the episodes in min(envs, episodes) worlds to the end (or until `stop`), synchronously; episodes in order. */
export function runVectorEpisodes(options: VectorRunOptions): RunResult {
  return drainTicks(vectorTicks(options));
}

/** Like runVectorEpisodes, but lets the event loop run every `yieldMs` of work (for Ctrl-C); the same ticks. */
export function runVectorEpisodesYielding(options: VectorRunOptions, yieldMs = 20): Promise<RunResult> {
  return drainTicksYielding(vectorTicks(options), yieldMs);
}

function* vectorTicks(options: VectorRunOptions): Generator<void, RunResult, void> {
  const { sim, episodes, seed } = options;
  if (!Number.isInteger(options.envs) || options.envs < 1) throw new RangeError(`envs must be a whole number ≥ 1; got ${options.envs}`);
  const results: EpisodeResult[] = [];
  const started = performance.now();
  if (episodes < 1 || options.stop?.()) return summarize(results, started);
  const vec = new VectorEnv(sim, Math.min(options.envs, episodes));
  const policy = options.policy(vec);
  // Episodes end out of order; they are reported in order.
  const ended = new Map<number, EpisodeResult>();
  let nextReport = 0;
  const finish = (world: number, result: EpisodeResult): void => {
    policy.end(world, result);
    ended.set(result.episode, result);
    while (ended.has(nextReport)) {
      const r = ended.get(nextReport)!;
      ended.delete(nextReport++);
      results.push(r);
      options.onEpisode?.(r);
    }
  };
  const begin = (world: number, r: VectorResetResult): void => {
    const state = r.info.states[world]!;
    policy.begin(world, episodeContext(vec.envs[world]!, state.scene, r.info.episode[world]!, r.info.seeds[world]!));
  };
  let r = vec.reset({ seed, episodes });
  for (let w = 0; w < vec.count; w++) begin(w, r);
  while (!vec.done) {
    if (options.stop?.()) {
      // Cut the episodes under way, as the single runner does.
      for (let w = 0; w < vec.count; w++) {
        if (r.info.active[w]) finish(w, { episode: r.info.episode[w]!, seed: r.info.seeds[w]!, success: r.info.success[w]!, steps: r.info.states[w]!.step });
      }
      break;
    }
    const actions = policy.act(r.observations, r.info.states, r.info.active);
    const s = vec.step(actions);
    for (let w = 0; w < vec.count; w++) {
      const f = s.info.final[w];
      if (!f) continue;
      finish(w, { episode: f.episode, seed: f.seed, success: f.success, steps: f.state.step });
      if (s.info.active[w]) begin(w, s);
    }
    r = s;
    yield;
  }
  return summarize(results, started);
}

function summarize(results: EpisodeResult[], started: number): RunResult {
  const totalSteps = results.reduce((n, r) => n + r.steps, 0);
  const seconds = (performance.now() - started) / 1000;
  return {
    episodes: results,
    successRate: results.filter((r) => r.success).length / Math.max(1, results.length),
    meanSteps: totalSteps / Math.max(1, results.length),
    totalSteps,
    stepsPerSecond: totalSteps / Math.max(seconds, 1e-9),
  };
}
