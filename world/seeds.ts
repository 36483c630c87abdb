// Named seed streams: every random stream of a run takes its seed from a base seed by name, never by a bare offset.
import { Rng } from './rng.ts';

/**
 * Each stream's seed from its base seed and, for a stream with many members, the member's index. The formulas keep
 * the values that the shipped checkpoints and the evaluation tables were made with.
 */
const STREAMS = {
  /** Episode i of a run that starts at the base seed. */
  episode: (seed, i) => seed + i,
  /** A policy's own random stream in an episode, distinct from the world's (which uses the episode seed itself). */
  policy: (episodeSeed) => new Rng(episodeSeed).fork().nextUint32(),
  /** Agent i of a sim with several bodies. */
  agent: (seed, i) => seed + i,
  /** A training run's exploration episodes. */
  exploration: (seed) => seed,
  /** A training run's held-out episodes, the data of its evidence. */
  'held-out': (seed) => seed + 1_000_000,
  /** World-model minibatches of a training run that starts (or resumes) at step i. */
  'world-model-batches': (seed, step) => seed + step + 17,
  /** The sampling of the world-model evidence and of the periodic monitors. */
  'world-model-evidence': (seed) => seed,
  /** Minibatches of the probe-head refit. */
  'probe-fit': (seed) => seed + 3,
  /** Minibatches of the critic's TD training. */
  critic: (seed) => seed + 5,
  /** The distillation phase of a training run: the base of the three distill streams below. */
  distill: (seed) => seed + 2_000_000,
  /** Distillation minibatches. */
  'distill-batches': (seed) => seed,
  /** The first episode of distillation round i (its episodes follow consecutively). */
  'distill-round': (seed, round) => seed + round * 10_000,
  /** The first policy-only validation episode of distillation. */
  'distill-validation': (seed) => seed + 5_000_000,
  /** The goal-critic phase of a training run: the base of its exploration ('exploration') and its minibatches. */
  'goal-critic': (seed) => seed + 3_000_000,
  /** Goal-critic minibatches. */
  'goal-critic-batches': (seed) => seed + 7,
  /** The oracle baseline's CEM samples in an episode. */
  oracle: (episodeSeed) => episodeSeed ^ 0x9e3779b9,
  /** A model planner's stream in an episode (index: the episode seed); its decisions follow by 'decision'. */
  planner: (agentSeed, episodeSeed) => agentSeed * 1_000_003 + episodeSeed * 7919,
  /** The level-2 (subgoal) planner's stream; its decisions follow by 'decision'. */
  'subgoal-planner': (agentSeed) => agentSeed * 7919,
  /** Decision d of a planner stream, as an unsigned 32-bit seed. */
  decision: (streamSeed, d) => (streamSeed + d) >>> 0,
} satisfies Record<string, (seed: number, index: number) => number>;

export type SeedStream = keyof typeof STREAMS;

/** The seed of a named stream derived from `seed`; `index` picks a member of a stream that has many. */
export function deriveSeed(seed: number, stream: SeedStream, index = 0): number {
  return STREAMS[stream](seed, index);
}
