// Collects reward-free experience into an agent's short-term memory with an exploratory policy (no success signal used).
import { ACTION_SIZE } from '../../world/env.ts';
import { runEpisodes, type PolicyFactory } from '../../world/episodes.ts';
import { momentumPolicy } from '../../world/exploration.ts';
import type { FeatureLayout } from '../../world/features.ts';
import type { SimDefinition } from '../../world/sim.ts';
import { ShortTermMemory } from '../memory/index.ts';

/** Where collected ticks go: an Agent (perception, costs, memory), or a bare memory. */
export interface ExperienceSink {
  beginEpisode(): void;
  observe(observation: Float32Array, action: Float32Array): void;
  endEpisode(): void;
}

/** A sink that records observations and actions only, e.g. held-out data for evaluation. */
export function memorySink(layout: FeatureLayout, capacity: number, actionSize = ACTION_SIZE): ExperienceSink & { memory: ShortTermMemory } {
  const memory = new ShortTermMemory({ capacity, observationSize: layout.size, stateSize: 0, actionSize, costNames: [] });
  let episode = 0;
  let step = 0;
  const none = new Float32Array(0);
  return {
    memory,
    beginEpisode: () => {
      episode++;
      step = 0;
    },
    observe: (observation, action) => memory.record({ observation, state: none, action, costs: none, episode, step: step++, done: false }),
    endEpisode: () => memory.markDone(),
  };
}

/**
 * Runs seeded episodes of an exploratory policy until `transitions` ticks are recorded through `sink` (body 0 of each
 * episode; other bodies move by the same policy); the last episode is cut at the budget.
 * @returns the number of episodes run
 */
export function collectExperience(sink: ExperienceSink, sim: SimDefinition, transitions: number, seed: number, policy: PolicyFactory = momentumPolicy()): number {
  let recorded = 0;
  const run = runEpisodes({
    sim,
    policy,
    episodes: Infinity,
    seed,
    onEpisodeStart: () => sink.beginEpisode(),
    onTick: ({ observations, actions }) => {
      sink.observe(observations[0]!, actions[0]!);
      recorded++;
    },
    onEpisode: () => sink.endEpisode(),
    stop: () => recorded >= transitions,
  });
  return run.episodes.length;
}
