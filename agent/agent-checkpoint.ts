// Saves an agent (networks, memory, config) into a checkpoint folder and rebuilds it from one.
import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { z } from 'zod';
import { Agent, type AgentOptions } from './agent.ts';
import { assignVariables, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { AgentConfig } from './config.ts';
import { costRegistry } from './cost/index.ts';

/** What an agent checkpoint's manifest carries so it can be rebuilt. */
export interface AgentCheckpointMeta {
  kind: 'agent';
  sim: string;
  config: AgentConfig;
  costNames: string[];
  features: string[];
  /** Cost name → the plug-in file it was loaded from, for the costs that are plug-ins. */
  costFiles?: Record<string, string>;
}

/** What loading needs of an agent checkpoint's metadata (the config itself is checked by the agent it builds). */
const agentMetaSchema = z.object({
  kind: z.literal('agent'),
  sim: z.string(),
  config: z.record(z.string(), z.unknown()),
  costNames: z.array(z.string()),
  features: z.array(z.string()),
});

/** Saves the agent's networks, memory and config atomically into `dir`, with optional extra metadata, files and tensors (an optimiser's state). */
export function saveAgent(
  dir: string,
  agent: Agent,
  sim: string,
  extra: { meta?: Record<string, unknown>; files?: Record<string, string>; withoutMemory?: boolean; tensors?: readonly [string, tf.Variable][] } = {},
): void {
  const meta: AgentCheckpointMeta = {
    kind: 'agent',
    sim,
    config: agent.config,
    costNames: [...agent.cost.names],
    features: agent.options.layout.names,
    costFiles: Object.fromEntries(agent.cost.costs.filter((c) => c.source !== undefined).map((c) => [c.name, path.resolve(c.source!)])),
  };
  saveCheckpoint(dir, { ...extra.meta, ...meta }, [...agent.namedVariables(), ...(extra.tensors ?? [])], extra.withoutMemory ? null : agent.memory, extra.files);
}

/** Rebuilds an agent from a checkpoint: same config, same weights, same memory. */
export function loadAgent(dir: string, options: Omit<AgentOptions, 'config'>, sim: string, overrides?: ConfigOverrides): Agent {
  return loadAgentCheckpoint(dir, options, sim, overrides).agent;
}

/** Settings that may differ from a checkpoint's without changing any network: how to act and plan. */
export interface ConfigOverrides {
  actor?: { mode?: AgentConfig['actor']['mode'] };
  planning?: Partial<AgentConfig['planning']>;
  /**
   * Intrinsic-cost weights over the checkpoint's (costs are read on predicted states, so no network changes), and
   * `defaults` for costs the checkpoint does not weigh.
   */
  cost?: { weights?: Readonly<Record<string, number>>; defaults?: Readonly<Record<string, number>> };
}

/** Like loadAgent, also returning the checkpoint's metadata (e.g. training progress) and every tensor it holds (an optimiser's state too). */
export function loadAgentCheckpoint(
  dir: string,
  options: Omit<AgentOptions, 'config'>,
  sim: string,
  overrides: ConfigOverrides = {},
): { agent: Agent; meta: Record<string, unknown>; tensors: Checkpoint['tensors'] } {
  const checkpoint = loadCheckpoint(dir);
  if (checkpoint.manifest.meta.kind !== 'agent') throw new Error(`'${dir}' is not an agent checkpoint`);
  const checked = agentMetaSchema.safeParse(checkpoint.manifest.meta);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(`'${path.join(dir, 'checkpoint.json')}' is damaged: meta.${issue.path.join('.')}: ${issue.message}; train again, or restore the folder from a copy`);
  }
  const meta = checkpoint.manifest.meta as unknown as AgentCheckpointMeta;
  if (meta.sim !== sim) throw new Error(`checkpoint '${dir}' was made for sim '${meta.sim}', not '${sim}'`);
  if (meta.features.join(',') !== options.layout.names.join(',')) throw new Error(`checkpoint '${dir}' was made for another observation layout of '${sim}'`);
  const registry = costRegistry(options.extraCosts, options.simCosts);
  const missing = Object.keys(meta.config.cost.weights).filter((name) => !registry.has(name));
  if (missing.length > 0) {
    const files = missing.map((name) => meta.costFiles?.[name]).filter((f) => f !== undefined);
    throw new Error(`checkpoint '${dir}' was trained with the intrinsic cost${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}, not loaded now; ${files.length > 0 ? `load ${files.map((f) => `--cost ${f}`).join(' ')}` : 'load its plug-in with --cost FILE'}`);
  }
  const config = {
    ...meta.config,
    actor: { ...meta.config.actor, ...overrides.actor },
    planning: { ...meta.config.planning, ...overrides.planning },
    cost: { ...meta.config.cost, weights: { ...overrides.cost?.defaults, ...meta.config.cost.weights, ...overrides.cost?.weights } },
  };
  const agent = new Agent({ ...options, config });
  assignVariables(checkpoint, agent.namedVariables(), dir);
  // Memory recorded under another set of costs (plug-ins added since) cannot be restored; acting does not need it.
  if (checkpoint.memory && checkpoint.memory.shape.costNames.join(',') === agent.cost.names.join(',')) agent.restoreMemory(checkpoint.memory);
  return { agent, meta: checkpoint.manifest.meta, tensors: checkpoint.tensors };
}
