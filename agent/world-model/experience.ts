// Collects reward-free experience into an agent's short-term memory with an exploratory policy (no success signal used).
import { Env } from '../../world/env.ts';
import type { PolicyFactory } from '../../world/episodes.ts';
import { momentumPolicy } from '../../world/exploration.ts';
import { deriveSeed } from '../../world/seeds.ts';
import { Rng } from '../../world/rng.ts';
import { ShortTermMemory } from '../memory/short-term-memory.ts';
import type { SimDefinition } from '../../world/sim.ts';
import type { FeatureLayout } from '../../world/features.ts';

/** Where collected ticks go: an Agent (perception, costs, memory), or a bare memory. */
export interface ExperienceSink {
  beginEpisode(): void;
  observe(observation: Float32Array, action: Float32Array): void;
  endEpisode(): void;
}

/** A sink that records observations and actions only, e.g. held-out data for evaluation. */
export function memorySink(layout: FeatureLayout, capacity: number, actionSize = 2): ExperienceSink & { memory: ShortTermMemory } {
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
 * Runs seeded episodes of an exploratory policy until `transitions` ticks are recorded through `agent` (body 0 of each
 * episode; other bodies move by the same policy).
 * @returns the number of episodes run
 */
export function collectExperience(agent: ExperienceSink, sim: SimDefinition, transitions: number, seed: number, policy: PolicyFactory = momentumPolicy()): number {
  const env = new Env(sim);
  let recorded = 0;
  let episode = 0;
  while (recorded < transitions) {
    const episodeSeed = seed + episode;
    const first = env.reset({ seed: episodeSeed });
    const p = policy({ env, scene: first.info.state.scene, episode, seed: episodeSeed, rng: new Rng(deriveSeed(episodeSeed, 'policy')) });
    agent.beginEpisode();
    let observations = first.observations;
    let state = first.info.state;
    let done = false;
    while (!done && recorded < transitions) {
      const actions = p.act(observations, state);
      agent.observe(observations[0]!, actions[0]!);
      recorded++;
      const r = env.step(actions);
      observations = r.observations;
      state = r.info.state;
      done = r.terminated || r.truncated;
    }
    agent.endEpisode();
    episode++;
  }
  return episode;
}
