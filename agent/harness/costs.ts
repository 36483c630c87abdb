// The intrinsic costs a run is measured with: user plug-in files, and the sim's suggested costs with their weights.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAgentConfig } from '../config.ts';
import { Configurator } from '../configurator/index.ts';
import { CostModule, defineIntrinsicCost, type IntrinsicCost, loadCosts, type SimWithCosts } from '../cost/index.ts';
import type { FeatureLayout } from '../../world/features.ts';

/** Loads user intrinsic-cost files: each must `export default defineIntrinsicCost({...})`. */
export async function loadCostFiles(files: readonly string[]): Promise<IntrinsicCost[]> {
  const out: IntrinsicCost[] = [];
  for (const file of files) {
    const full = path.resolve(file);
    if (!fs.existsSync(full)) throw new Error(`cost file '${file}' does not exist`);
    const module = (await import(pathToFileURL(full).href)) as { default?: unknown };
    if (!module.default || typeof module.default !== 'object') {
      throw new Error(`cost file '${file}' has no default export; write \`export default defineIntrinsicCost({ name, description, reads, cost })\``);
    }
    out.push(defineIntrinsicCost(module.default as IntrinsicCost));
  }
  return out;
}

/** The sim's suggested intrinsic costs (plus plug-ins) and their weights, as an agent with the default config has them. */
export function simCosts(sim: SimWithCosts, layout: FeatureLayout, extraCosts: readonly IntrinsicCost[] = []): { costs: CostModule; weights: Readonly<Record<string, number>> } {
  const config = parseAgentConfig({});
  const costs = new CostModule(loadCosts(sim.suggestedCosts, config, extraCosts, sim.costs), layout);
  return { costs, weights: new Configurator(costs.names, sim.suggestedCosts, config, layout).current.weights };
}
