// The CLI's plug-ins: a sim argument that is a file, and --cost/--weight, loaded and checked before any work starts.
import { costRegistry, type IntrinsicCost, type SimWithCosts } from '../agent/cost/index.ts';
import { checkCosts, isSimFile, loadCostFile, loadSimFile } from '../agent/harness/plugins.ts';
import { getSim, shippedCheckpoint, sims } from '../sims/index.ts';
import type { CostFlags } from './options.ts';

/** A registered sim's name, or the path of a sim file (anything with a slash or a .ts/.js ending). */
export async function simArgument(argument: string): Promise<SimWithCosts> {
  if (!isSimFile(argument)) return getSim(argument);
  const sim = await loadSimFile(argument);
  if (sim.name in sims) throw new Error(`sim file '${argument}' names its sim '${sim.name}', the name of a built-in sim; choose another name (built-ins: ${Object.keys(sims).join(', ')})`);
  return sim;
}

/** The checkpoint shipped for a registered sim (none for a sim from a file). */
export function shippedFor(sim: SimWithCosts): string | undefined {
  return sims[sim.name] === sim ? shippedCheckpoint(sim.name) : undefined;
}

/** The plug-in costs and the weights the flags ask for, with the warnings to print. */
export interface CostChoice {
  extraCosts: IntrinsicCost[];
  /** Cost name → weight u_i, over the checkpoint's or the sim's. */
  weights: Record<string, number>;
  /** Weight 1 for each plug-in loaded without a weight, for where no checkpoint weighs it. */
  defaultWeights: Record<string, number>;
  warnings: string[];
}

/**
 * Loads the --cost files, checks them on sample states of the sim, and resolves every --weight against the costs
 * the sim can load (built-ins, the sim's own, the plug-ins). The tfjs backend must be initialised.
 */
export async function costChoice(flags: Partial<CostFlags>, sim: SimWithCosts): Promise<CostChoice> {
  const extraCosts: IntrinsicCost[] = [];
  const weights: Record<string, number> = {};
  const defaultWeights: Record<string, number> = {};
  for (const { file, weight } of flags.cost ?? []) {
    const cost = await loadCostFile(file);
    extraCosts.push(cost);
    if (weight === undefined) defaultWeights[cost.name] = 1;
    else weights[cost.name] = weight;
  }
  const registry = costRegistry(extraCosts, sim.costs);
  for (const [name, weight] of flags.weight ?? []) {
    if (!registry.has(name)) {
      throw new Error(`--weight ${name}=${weight}: sim '${sim.name}' has no intrinsic cost '${name}'; its costs: ${[...registry.keys()].join(', ')} (load a plug-in with --cost FILE)`);
    }
    weights[name] = weight;
  }
  const ownCosts = sim.costs?.filter((c) => c.source !== undefined) ?? [];
  return { extraCosts, weights, defaultWeights, warnings: checkCosts([...ownCosts, ...extraCosts], sim) };
}
