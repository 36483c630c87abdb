// The episode policy behind each agent name: the baselines, or agents in Mode-1, Mode-2 or auto (fresh or from a checkpoint).
import { Agent } from '../agent.ts';
import { loadAgent, type ConfigOverrides } from '../agent-checkpoint.ts';
import { type IntrinsicCost, meterCosts, type SimWithCosts } from '../cost/index.ts';
import { agentPolicy, agentVectorPolicy } from '../episode-policy.ts';
import { Env } from '../../world/env.ts';
import type { PolicyFactory } from '../../world/episodes.ts';
import { perEpisode, type VectorPolicyFactory } from '../../world/vector-episodes.ts';
import { randomPolicy, scriptedPolicy } from '../../world/exploration.ts';
import { deriveSeed } from '../../world/seeds.ts';
import { simCosts } from './costs.ts';

export const AGENTS = ['random', 'scripted', 'mode1', 'mode2', 'auto'] as const;
export type AgentName = (typeof AGENTS)[number];

export interface PreparedPolicy {
  policy: PolicyFactory;
  /**
   * The same policy for N worlds in lockstep (`runVectorEpisodes`), metered into the same means; null for the planning
   * agents (mode2, auto), which plan one world at a time.
   */
  vector: VectorPolicyFactory | null;
  meanCost(): Record<string, number>;
  /** Per-tick milliseconds from observation to action. */
  decisionMs(): number[];
  agents: Agent[];
  /** The weight u_i of each loaded intrinsic cost. */
  weights: Readonly<Record<string, number>>;
  /** What the user should know before trusting the run (an untrained agent, weights a policy ignores), one line each. */
  warnings: string[];
}

export interface PrepareOptions {
  seed: number;
  /** Checkpoint folder of a learning agent; refused for the baselines. */
  checkpoint?: string;
  /** The sim's shipped checkpoint, loaded by a learning agent when `checkpoint` is not given. */
  shippedCheckpoint?: string;
  extraCosts?: IntrinsicCost[];
  /** Intrinsic-cost weights over the checkpoint's or the sim's suggestion. */
  weights?: Readonly<Record<string, number>>;
  /** Weights for costs neither the checkpoint nor `weights` weighs (a plug-in loaded without one). */
  defaultWeights?: Readonly<Record<string, number>>;
  planning?: ConfigOverrides['planning'];
}

export function preparePolicy(sim: SimWithCosts, agentName: AgentName, options: PrepareOptions): PreparedPolicy {
  const layout = new Env(sim).observationLayout;
  const extraCosts = options.extraCosts ?? [];
  if (agentName === 'mode1' || agentName === 'mode2' || agentName === 'auto') {
    const checkpoint = options.checkpoint ?? options.shippedCheckpoint;
    if (!checkpoint && agentName !== 'mode1') {
      throw new Error(`--agent ${agentName} plans with a trained world model: give --checkpoint DIR (from \`autonomy train ${sim.name}\`); no checkpoint ships for '${sim.name}'`);
    }
    const weights = options.weights ?? {};
    const defaults = options.defaultWeights ?? {};
    const overrides: ConfigOverrides = { actor: { mode: agentName }, planning: options.planning ?? {}, cost: { weights, defaults } };
    const agents = Array.from({ length: sim.agentCount }, (_, i) =>
      checkpoint
        ? loadAgent(checkpoint, { layout, suggestedCosts: sim.suggestedCosts, extraCosts, simCosts: sim.costs }, sim.name, overrides)
        : new Agent({ layout, suggestedCosts: sim.suggestedCosts, extraCosts, simCosts: sim.costs, config: { seed: deriveSeed(options.seed, 'agent', i), cost: { weights: { ...defaults, ...weights } } } }),
    );
    const warnings: string[] = [];
    if (!checkpoint) {
      warnings.push(`warning: no trained checkpoint for '${sim.name}': this ${agentName} agent acts with an untrained policy (random weights); train one with \`autonomy train ${sim.name}\` and pass --checkpoint DIR`);
    } else if (agentName === 'mode1' && (extraCosts.length > 0 || Object.keys(weights).length > 0)) {
      // A mode1 agent's costs are measured only.
      warnings.push(`warning: a mode1 agent acts by its trained policy, so --cost and --weight change what is measured, not what it does; plan with --agent mode2 (or auto), or retrain with \`autonomy train ${sim.name} --cost …\``);
    }
    const meter = meterCosts(agentPolicy(agents), agents[0]!.cost, layout, (i) => agents[i]!.lastCost?.values ?? null);
    return {
      policy: meter.policy,
      vector: agentName === 'mode1' ? agentVectorPolicy(agents, meter) : null,
      meanCost: meter.means,
      decisionMs: () => agents.flatMap((a) => a.decisionMs),
      agents,
      weights: agents[0]!.settings.weights,
      warnings,
    };
  }
  if (options.checkpoint) throw new Error(`--checkpoint is for learning agents (mode1, mode2, auto); '${agentName}' has nothing to load`);
  if (Object.keys(options.planning ?? {}).length > 0) throw new Error(`planning settings (--planner, --horizon, --iterations, --samples, --budget-ms) are for planning agents (mode2, auto); '${agentName}' does not plan`);
  const { costs, weights } = simCosts(sim, layout, extraCosts, { ...options.defaultWeights, ...options.weights });
  const meter = meterCosts(agentName === 'random' ? randomPolicy : scriptedPolicy, costs, layout);
  return { policy: meter.policy, vector: perEpisode(meter.policy), meanCost: meter.means, decisionMs: () => meter.decisionMs, agents: [], weights, warnings: [] };
}
