// Drives one Agent per body of a sim through the world's episode runner, reporting costs and mode per tick.
import type { EpisodePolicy, PolicyFactory } from '../world/episodes.ts';
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
