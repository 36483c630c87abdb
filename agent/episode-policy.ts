// Drives one Agent per body of a sim through the world's rollout loop, reporting costs and mode per tick.
import type { EpisodePolicy, PolicyFactory } from '../world/rollout.ts';
import type { Agent } from './agent.ts';

/** A rollout policy where agent i acts for body i; memory episodes follow the world's episodes. */
export function agentPolicy(agents: readonly Agent[]): PolicyFactory {
  return ({ env }): EpisodePolicy => {
    if (agents.length !== env.agentCount) throw new Error(`sim '${env.sim.name}' has ${env.agentCount} bodies but ${agents.length} agents were given`);
    for (const agent of agents) agent.beginEpisode();
    return {
      act: (observations) => agents.map((agent, i) => agent.tick(observations[i]!)),
      extras: () => {
        const cost = agents[0]!.lastCost;
        return {
          ...(cost ? { costs: { ...cost.terms, total: cost.total } } : {}),
          overlay: { badge: agents[0]!.lastMode === 'mode2' ? 'Mode-2' : 'Mode-1' },
        };
      },
      end: () => {
        for (const agent of agents) agent.endEpisode();
      },
    };
  };
}
