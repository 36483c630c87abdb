// The intrinsic costs an agent can load: the built-ins, the sim's own, and the user's plug-ins, by unique name.
import type { SimDefinition, SuggestedCost } from '../../world/sim.ts';
import type { AgentConfig } from '../config.ts';
import { builtinCosts } from './builtins.ts';
import { costLabel, type IntrinsicCost } from './intrinsic.ts';

/**
 * A sim with the intrinsic costs it declares for its task (push's `pusher-to-contact`): world/ knows no costs, so the
 * cost API adds them to the definition. Whoever builds an agent or a cost module for the sim passes `sim.costs` on.
 */
export type SimWithCosts = SimDefinition & { readonly costs?: readonly IntrinsicCost[] };

/** Every intrinsic cost the agent can load by name: the built-ins, the sim's own costs and the plug-ins. */
export function costRegistry(extra: readonly IntrinsicCost[] = [], simCosts: readonly IntrinsicCost[] = []): Map<string, IntrinsicCost> {
  const registry = new Map<string, IntrinsicCost>();
  for (const c of [...builtinCosts, ...simCosts, ...extra]) {
    const taken = registry.get(c.name);
    if (taken) throw new Error(`${costLabel(c)} clashes with ${taken.source ? costLabel(taken) : `the ${builtinCosts.includes(taken) ? 'built-in' : "sim's own"} cost of that name`}; cost names must be unique, so rename one`);
    registry.set(c.name, c);
  }
  return registry;
}

/**
 * The costs an agent loads: those the sim suggests, those the config weighs, and every plug-in.
 * @param simCosts the sim's own costs: loadable by name like the built-ins, loaded when suggested or weighed
 */
export function loadCosts(suggested: readonly SuggestedCost[], config: AgentConfig, extra: readonly IntrinsicCost[] = [], simCosts: readonly IntrinsicCost[] = []): IntrinsicCost[] {
  const registry = costRegistry(extra, simCosts);
  const names = [...new Set([...suggested.map((s) => s.name), ...Object.keys(config.cost.weights), ...extra.map((c) => c.name)])];
  return names.map((name) => {
    const cost = registry.get(name);
    if (!cost) throw new Error(`unknown intrinsic cost '${name}'; registered costs: ${[...registry.keys()].join(', ')}`);
    return cost;
  });
}
