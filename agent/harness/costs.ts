// The intrinsic costs a baseline run is measured with: the sim's suggested costs, plug-ins, and their weights.
import { parseAgentConfig } from '../config.ts';
import { Configurator } from '../configurator/index.ts';
import { CostModule, type IntrinsicCost, loadCosts, type SimWithCosts } from '../cost/index.ts';
import type { FeatureLayout } from '../../world/features.ts';

/** The sim's suggested intrinsic costs (plus plug-ins) and their weights, as an agent with the default config has them, `weights` over them. */
export function simCosts(
  sim: SimWithCosts,
  layout: FeatureLayout,
  extraCosts: readonly IntrinsicCost[] = [],
  weights: Readonly<Record<string, number>> = {},
): { costs: CostModule; weights: Readonly<Record<string, number>> } {
  const config = parseAgentConfig({ cost: { weights } });
  const costs = new CostModule(loadCosts(sim.suggestedCosts, config, extraCosts, sim.costs), layout);
  return { costs, weights: new Configurator(costs.names, sim.suggestedCosts, config, layout).current.weights };
}
