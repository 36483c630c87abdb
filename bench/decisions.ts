// Agent decision latency in a sim with a trained checkpoint: Mode-1, and warm-started Mode-2 over whole episodes.
import { preparePolicy } from '../agent/harness/policies.ts';
import { percentiles } from '../agent/math/percentiles.ts';
import { getSim, shippedCheckpoint } from '../sims/index.ts';
import { runEpisodes } from '../world/episodes.ts';

export interface DecisionBenchRow {
  agent: 'mode1' | 'mode2';
  planner: string | null;
  median: number;
  p95: number;
  /** Planning (or policy) time summed over a 200-step episode, in seconds: median per decision × 200. */
  episodeSeconds: number;
}

/** Runs `episodes` episodes per agent on the sim's shipped checkpoint; null when none ships. */
export function benchDecisions(simName = 'reach', episodes = 3): DecisionBenchRow[] | null {
  const sim = getSim(simName);
  const checkpoint = shippedCheckpoint(sim.name);
  if (!checkpoint) return null;
  const rows: DecisionBenchRow[] = [];
  for (const [agent, planner] of [['mode1', null], ['mode2', 'gd'], ['mode2', 'cem'], ['mode2', 'mppi']] as const) {
    const prepared = preparePolicy(sim, agent, { seed: 0, checkpoint, ...(planner ? { planning: { planner } } : {}) });
    runEpisodes({ sim, policy: prepared.policy, episodes, seed: 3000 });
    const { median, p95 } = percentiles(prepared.decisionMs());
    rows.push({ agent, planner, median, p95, episodeSeconds: (median * 200) / 1000 });
    for (const a of prepared.agents) a.dispose();
  }
  return rows;
}
