// Collects reward-free experience into an agent's short-term memory with an exploratory policy (no success signal used).
import { ACTION_SIZE } from '../../world/env.ts';
import { episodeContext, type EpisodePolicy, type PolicyFactory } from '../../world/episodes.ts';
import { momentumPolicy } from '../../world/exploration.ts';
import type { FeatureLayout } from '../../world/features.ts';
import type { SimDefinition } from '../../world/sim.ts';
import { VectorEnv } from '../../world/vector-env.ts';
import { ShortTermMemory } from '../memory/index.ts';

/** Where collected ticks go: an Agent (perception, costs, memory), or a bare memory. */
export interface ExperienceSink {
  beginEpisode(): void;
  observe(observation: Float32Array, action: Float32Array): void;
  /** Many ticks of the current episode at once (perception and costs in one batch), as `observe` row by row would. */
  observeRows?(rows: number, observations: Float32Array, actions: Float32Array): void;
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
    observeRows: (rows, observations, actions) => {
      const size = layout.size;
      for (let r = 0; r < rows; r++) {
        memory.record({ observation: observations.subarray(r * size, (r + 1) * size), state: none, action: actions.subarray(r * actionSize, (r + 1) * actionSize), costs: none, episode, step: step++, done: false });
      }
    },
    endEpisode: () => memory.markDone(),
  };
}

/** One episode's body-0 ticks, kept until every earlier episode has reached the sink. */
interface Lane {
  episode: number;
  policy: EpisodePolicy;
  rows: number;
  observations: Float32Array;
  actions: Float32Array;
}

/**
 * Runs seeded episodes of an exploratory policy until `transitions` ticks are recorded through `sink` (body 0 of each
 * episode; other bodies move by the same policy); the last episode is cut at the budget. The episodes run in `envs`
 * worlds in lockstep and reach the sink whole, in episode order, so the sink gets the same ticks whatever `envs`: those
 * of the episode runner running the episodes one after another.
 * @returns the number of episodes run
 */
export function collectExperience(sink: ExperienceSink, sim: SimDefinition, transitions: number, seed: number, policy: PolicyFactory = momentumPolicy(), envs = 16): number {
  if (transitions <= 0) return 0;
  const vec = new VectorEnv(sim, envs);
  const size = vec.observationSize;
  const bodies = vec.agentCount;
  const lanes: (Lane | null)[] = new Array<Lane | null>(envs).fill(null);
  const waiting = new Map<number, Lane>();
  let next = 0;
  let recorded = 0;
  const deliver = (lane: Lane, rows: number): void => {
    sink.beginEpisode();
    if (sink.observeRows) sink.observeRows(rows, lane.observations.subarray(0, rows * size), lane.actions.subarray(0, rows * ACTION_SIZE));
    else for (let r = 0; r < rows; r++) sink.observe(lane.observations.subarray(r * size, (r + 1) * size), lane.actions.subarray(r * ACTION_SIZE, (r + 1) * ACTION_SIZE));
    lane.policy.end?.();
    sink.endEpisode();
    recorded += rows;
    next++;
  };
  /** Hands the sink every episode whose turn has come; the one that reaches the budget is cut there. */
  const drain = (): void => {
    for (;;) {
      const ended = waiting.get(next);
      const running = ended ? null : lanes.find((l) => l?.episode === next);
      const lane = ended ?? running;
      if (!lane) return;
      if (recorded + lane.rows >= transitions) return deliver(lane, transitions - recorded);
      if (!ended) return;
      waiting.delete(next);
      deliver(lane, lane.rows);
    }
  };
  const begin = (world: number, r: ReturnType<VectorEnv['reset']>): void => {
    const ctx = episodeContext(vec.envs[world]!, r.info.states[world]!.scene, r.info.episode[world]!, r.info.seeds[world]!);
    const rows = vec.sim.maxSteps;
    lanes[world] = { episode: ctx.episode, policy: policy(ctx), rows: 0, observations: new Float32Array(rows * size), actions: new Float32Array(rows * ACTION_SIZE) };
  };
  let r = vec.reset({ seed });
  for (let w = 0; w < envs; w++) begin(w, r);
  const actions = new Float32Array(envs * bodies * ACTION_SIZE);
  while (recorded < transitions) {
    for (let w = 0; w < envs; w++) {
      const lane = lanes[w];
      if (!lane) continue;
      const rows = Array.from({ length: bodies }, (_, a) => r.observations.subarray((w * bodies + a) * size, (w * bodies + a + 1) * size));
      const acted = lane.policy.act(rows, r.info.states[w]!);
      acted.forEach((a, i) => actions.set(a, (w * bodies + i) * ACTION_SIZE));
      lane.observations.set(rows[0]!, lane.rows * size);
      lane.actions.set(acted[0]!, lane.rows * ACTION_SIZE);
      lane.rows++;
    }
    r = vec.step(actions);
    // Episodes not yet started are not needed once the ticks of the earlier ones, so far, reach the budget.
    let ahead = recorded;
    for (const l of [...waiting.values(), ...lanes]) if (l) ahead += l.rows;
    if (ahead >= transitions) vec.stopStarting();
    for (let w = 0; w < envs; w++) {
      if (!r.info.final[w]) continue;
      waiting.set(lanes[w]!.episode, lanes[w]!);
      lanes[w] = null;
      if (r.info.active[w]) begin(w, r);
    }
    drain();
  }
  return next;
}
