// Drives one Agent per body of a sim through the world's episode runner (or N worlds batched), reporting costs and mode per tick.
import { ACTION_SIZE } from '../world/env.ts';
import type { EpisodePolicy, PolicyFactory } from '../world/episodes.ts';
import type { VectorPolicyFactory } from '../world/vector-episodes.ts';
import { AgentBatch, type BatchTick } from './agent-batch.ts';
import type { Agent } from './agent.ts';

/** Ticks of imagined future drawn for an agent with a world model. */
export const IMAGINED_STEPS = 16;

/**
 * An episode policy where agent i acts for body i; memory episodes follow the world's episodes. Its per-tick extras
 * carry agent 0's costs (plus the world model's surprise) and an overlay: the mode badge and the imagined path.
 */
export function agentPolicy(agents: readonly Agent[]): PolicyFactory {
  return ({ env, seed }): EpisodePolicy => {
    const { width, height } = env.sim.arena;
    const scale = env.positionScale;
    if (agents.length !== env.agentCount) throw new Error(`sim '${env.sim.name}' has ${env.agentCount} bodies but ${agents.length} agents were given`);
    for (const agent of agents) agent.beginEpisode(seed);
    return {
      act: (observations) => agents.map((agent, i) => agent.tick(observations[i]!)),
      extras: () => {
        const agent = agents[0]!;
        const cost = agent.lastCost;
        const surprise = agent.surprise;
        const imagined = agent.imagine(IMAGINED_STEPS);
        const lines = imagined
          ? [{ points: Array.from(imagined, (v, i) => v * scale + (i % 2 === 0 ? width : height) / 2), color: '#22d3ee', label: 'imagined' }]
          : [];
        return {
          ...(cost ? { costs: { ...cost.terms, total: cost.total, ...(surprise !== null ? { surprise } : {}) } } : {}),
          overlay: { badge: agent.lastMode === 'mode2' ? 'Mode-2' : 'Mode-1', ...(lines.length > 0 ? { lines } : {}) },
        };
      },
      end: () => {
        for (const agent of agents) agent.endEpisode();
      },
    };
  };
}

/**
 * The vector form of `agentPolicy` for Mode-1 agents: agent i acts for body i of every world, one batched tick per
 * body (`AgentBatch`); each world's costs go to `meter` under its episode, body by body, tick by tick.
 */
export function agentVectorPolicy(agents: readonly Agent[], meter?: { add(episode: number, values: ArrayLike<number>): void }): VectorPolicyFactory {
  return (vec) => {
    if (agents.length !== vec.agentCount) throw new Error(`sim '${vec.sim.name}' has ${vec.agentCount} bodies but ${agents.length} agents were given`);
    const n = vec.count;
    const bodies = vec.agentCount;
    const size = vec.observationSize;
    const batches = agents.map((a) => new AgentBatch(a, n));
    const episodes = new Int32Array(n);
    const rows = bodies === 1 ? null : new Float32Array(n * size);
    return {
      begin: (world, ctx) => {
        episodes[world] = ctx.episode;
        for (const b of batches) b.begin(world, ctx.episode, ctx.seed);
      },
      act: (observations, _states, active) => {
        const actions = new Float32Array(n * bodies * ACTION_SIZE);
        const ticks: BatchTick[] = batches.map((batch, b) => {
          let x = observations;
          if (rows) {
            for (let w = 0; w < n; w++) rows.set(observations.subarray((w * bodies + b) * size, (w * bodies + b + 1) * size), w * size);
            x = rows;
          }
          const t = batch.tick(x, active);
          for (let w = 0; w < n; w++) actions.set(t.actions.subarray(w * ACTION_SIZE, (w + 1) * ACTION_SIZE), (w * bodies + b) * ACTION_SIZE);
          return t;
        });
        if (meter) {
          const k = agents[0]!.cost.names.length;
          for (let w = 0; w < n; w++) {
            if (!active[w]) continue;
            for (const t of ticks) meter.add(episodes[w]!, t.costs.subarray(w * k, (w + 1) * k));
          }
        }
        return actions;
      },
      end: (world) => {
        for (const b of batches) b.end(world);
      },
    };
  };
}
