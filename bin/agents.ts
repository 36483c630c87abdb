// Builds the policy behind each `--agent` name: the baselines, or Mode-1 agents (fresh or from a checkpoint).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent } from '../agent/agent.ts';
import { loadAgent, type ConfigOverrides } from '../agent/agent-checkpoint.ts';
import { loadCosts } from '../agent/cost/registry.ts';
import { parseAgentConfig } from '../agent/config.ts';
import { Configurator } from '../agent/configurator/configurator.ts';
import { CostModule } from '../agent/cost/cost-module.ts';
import { meterCosts } from '../agent/cost/cost-meter.ts';
import { defineIntrinsicCost, type IntrinsicCost } from '../agent/cost/intrinsic.ts';
import { agentPolicy } from '../agent/episode-policy.ts';
import { Env } from '../world/env.ts';
import type { PolicyFactory } from '../world/episodes.ts';
import { randomPolicy, scriptedPolicy } from '../world/exploration.ts';
import type { FeatureLayout } from '../world/features.ts';
import type { SimDefinition } from '../world/sim.ts';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PlannerName } from '../agent/actor/model-planner.ts';

export const AGENTS = ['random', 'scripted', 'mode1', 'mode2', 'auto'] as const;
export type AgentName = (typeof AGENTS)[number];

export interface PreparedPolicy {
  policy: PolicyFactory;
  meanCost(): Record<string, number>;
  /** Per-tick milliseconds from observation to action. */
  decisionMs(): number[];
  agents: Agent[];
  /** The weight u_i of each loaded intrinsic cost. */
  weights: Readonly<Record<string, number>>;
}

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

/** The trained checkpoint shipped for a sim, when there is one. */
export function shippedCheckpoint(sim: SimDefinition): string | undefined {
  const dir = path.join(SHIPPED_CHECKPOINTS, sim.name);
  return fs.existsSync(path.join(dir, 'checkpoint.json')) ? dir : undefined;
}

const SHIPPED_CHECKPOINTS = fileURLToPath(new URL('../sims/checkpoints', import.meta.url));

export function preparePolicy(
  sim: SimDefinition,
  agentName: AgentName,
  options: { seed: number; checkpoint?: string; extraCosts?: IntrinsicCost[]; planner?: PlannerName; planning?: ConfigOverrides['planning'] },
): PreparedPolicy {
  const layout = new Env(sim).observationLayout;
  const extraCosts = options.extraCosts ?? [];
  if (agentName === 'mode1' || agentName === 'mode2' || agentName === 'auto') {
    const checkpoint = options.checkpoint ?? shippedCheckpoint(sim);
    if (!checkpoint && agentName !== 'mode1') {
      throw new Error(`--agent ${agentName} plans with a trained world model: give --checkpoint DIR (from \`autonomy train ${sim.name}\`); no checkpoint ships for '${sim.name}'`);
    }
    const overrides: ConfigOverrides = { actor: { mode: agentName }, planning: { ...options.planning, ...(options.planner ? { planner: options.planner } : {}) } };
    const agents = Array.from({ length: sim.agentCount }, (_, i) =>
      checkpoint
        ? loadAgent(checkpoint, { layout, suggestedCosts: sim.suggestedCosts, extraCosts }, sim.name, overrides)
        : new Agent({ layout, suggestedCosts: sim.suggestedCosts, extraCosts, config: { seed: options.seed + i } }),
    );
    const meter = meterCosts(agentPolicy(agents), agents[0]!.cost, layout, (i) => agents[i]!.lastCost?.values ?? null);
    return {
      policy: meter.policy,
      meanCost: meter.means,
      decisionMs: () => agents.flatMap((a) => a.decisionMs),
      agents,
      weights: agents[0]!.settings.weights,
    };
  }
  if (options.checkpoint) throw new Error(`--checkpoint is for learning agents (mode1, mode2, auto); '${agentName}' has nothing to load`);
  const { costs, weights } = simCosts(sim, layout, extraCosts);
  const meter = meterCosts(agentName === 'random' ? randomPolicy : scriptedPolicy, costs, layout);
  return { policy: meter.policy, meanCost: meter.means, decisionMs: () => meter.decisionMs, agents: [], weights };
}

/** The sim's suggested intrinsic costs (plus plug-ins) and their weights, as an agent with the default config has them. */
export function simCosts(sim: SimDefinition, layout: FeatureLayout, extraCosts: readonly IntrinsicCost[] = []): { costs: CostModule; weights: Readonly<Record<string, number>> } {
  const config = parseAgentConfig({});
  const costs = new CostModule(loadCosts(sim.suggestedCosts, config, extraCosts), layout);
  return { costs, weights: new Configurator(costs.names, sim.suggestedCosts, config, layout).current.weights };
}

/** Median and 95th percentile. */
export function percentiles(values: readonly number[]): { median: number; p95: number } {
  if (values.length === 0) return { median: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}
