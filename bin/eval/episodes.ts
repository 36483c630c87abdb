// Evaluation rows and single evaluation episodes: the unit of work that runs serially or on a worker pool.
import { PLANNER_NAMES, type PlannerName } from '../../agent/actor/planners/registry.ts';
import { readCheckpointManifest } from '../../agent/checkpoint.ts';
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import { meterCosts } from '../../agent/cost/cost-meter.ts';
import type { IntrinsicCost, SimWithCosts } from '../../agent/cost/index.ts';
import { simCosts } from '../../agent/harness/costs.ts';
import { loadCostFiles, loadSimFile } from '../../agent/harness/plugins.ts';
import { AGENTS, preparePolicy, type AgentName } from '../../agent/harness/policies.ts';
import { percentiles } from '../../agent/math/percentiles.ts';
import { wilsonInterval } from '../../agent/math/wilson.ts';
import { getSim, shippedCheckpoint } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { oraclePolicy } from './oracle.ts';

export type EvalPlanner = PlannerName | 'oracle';
const EVAL_PLANNERS: readonly EvalPlanner[] = [...PLANNER_NAMES, 'oracle'];

/** One row of the evaluation table: an agent and, for planning agents, its planner. */
export interface EvalRowSpec {
  agent: AgentName;
  planner: EvalPlanner | null;
}

/** The sim-independent default planner of `mode2` and `auto`: our best one so far. */
export const DEFAULT_PLANNER: EvalPlanner = 'gd';

export const DEFAULT_ROWS: readonly EvalRowSpec[] = [
  { agent: 'random', planner: null },
  { agent: 'scripted', planner: null },
  { agent: 'mode1', planner: null },
  ...EVAL_PLANNERS.map((planner) => ({ agent: 'mode2' as const, planner })),
];

/** The planner a checkpoint's agent plans with, or undefined (no checkpoint, or none recorded). */
export function checkpointPlanner(checkpoint: string | undefined): PlannerName | undefined {
  if (!checkpoint) return undefined;
  const meta = readCheckpointManifest(checkpoint).meta as { config?: { planning?: { planner?: unknown } } };
  const planner = meta.config?.planning?.planner;
  return (PLANNER_NAMES as readonly unknown[]).includes(planner) ? (planner as PlannerName) : undefined;
}

/** Parses `--only mode1,mode2:cem,…`; a planning agent without a planner gets `planner` (default: the default one). */
export function parseRows(text: string, planner: EvalPlanner = DEFAULT_PLANNER): EvalRowSpec[] {
  return text.split(',').map((item) => {
    const [agent, named] = item.trim().split(':') as [string, string | undefined];
    if (!(AGENTS as readonly string[]).includes(agent)) throw new Error(`--only: unknown agent '${agent}' in '${item}'; agents: ${AGENTS.join(', ')}`);
    const plans = agent === 'mode2' || agent === 'auto';
    if (!plans && named) throw new Error(`--only: '${agent}' does not plan, so '${item}' cannot name a planner`);
    if (named && !(EVAL_PLANNERS as readonly string[]).includes(named)) throw new Error(`--only: unknown planner '${named}' in '${item}'; planners: ${EVAL_PLANNERS.join(', ')}`);
    return { agent: agent as AgentName, planner: plans ? ((named as EvalPlanner | undefined) ?? planner) : null };
  });
}

export interface EpisodeTask {
  sim: string;
  row: EvalRowSpec;
  seed: number;
  checkpoint?: string;
  /** Decide by iterations only (no time budget), so results do not depend on machine load. */
  deterministic?: boolean;
  /** Planning settings over the checkpoint's (the row names the planner). */
  planning?: Partial<PlanningConfig>;
  /** The sim file, when the sim is not a registered one (`sim` is then its name). */
  simFile?: string;
  /** Intrinsic-cost plug-in files, and cost weights over the checkpoint's or the sim's. */
  costFiles?: string[];
  weights?: Record<string, number>;
  /** Weights for plug-ins the checkpoint does not weigh. */
  defaultWeights?: Record<string, number>;
}

/** A task's sim and plug-in costs, loaded from their files once per thread (a worker is sent names and paths). */
export interface TaskPlugins {
  sim: SimWithCosts;
  extraCosts: IntrinsicCost[];
}

const loaded = new Map<string, Promise<TaskPlugins>>();

/** Loads what a task names: its sim (registered, or from its file) and its cost files; cached per thread. */
export function taskPlugins(task: Pick<EpisodeTask, 'sim' | 'simFile' | 'costFiles'>): Promise<TaskPlugins> {
  const key = JSON.stringify([task.sim, task.simFile ?? null, task.costFiles ?? []]);
  let plugins = loaded.get(key);
  if (!plugins) {
    plugins = (async () => ({
      sim: task.simFile ? await loadSimFile(task.simFile) : getSim(task.sim),
      extraCosts: await loadCostFiles(task.costFiles ?? []),
    }))();
    loaded.set(key, plugins);
  }
  return plugins;
}

export interface EpisodeOutcome {
  seed: number;
  success: boolean;
  steps: number;
  decisionMs: number[];
  decisions: number;
  modelEvals: number;
  /** Each loaded intrinsic cost's mean per tick over the episode. */
  meanCost: Record<string, number>;
}

/**
 * Runs one evaluation episode in this thread (the backend must be initialised).
 * @param plugins the task's sim and cost plug-ins (see taskPlugins); a registered sim without plug-ins needs none
 */
export function runEvalEpisode(task: EpisodeTask, plugins: TaskPlugins = { sim: getSim(task.sim), extraCosts: [] }): EpisodeOutcome {
  const { sim, extraCosts } = plugins;
  if (task.row.planner === 'oracle') return runOracleEpisode(task, plugins);
  const prepared = preparePolicy(sim, task.row.agent, {
    seed: task.seed,
    checkpoint: task.row.agent === 'random' || task.row.agent === 'scripted' ? undefined : task.checkpoint,
    shippedCheckpoint: task.simFile ? undefined : shippedCheckpoint(sim.name),
    extraCosts,
    ...(task.weights ? { weights: task.weights } : {}),
    ...(task.defaultWeights ? { defaultWeights: task.defaultWeights } : {}),
    ...(task.row.planner ? { planning: { ...task.planning, planner: task.row.planner as PlannerName, ...(task.deterministic ? { timeBudgetMs: 1e9 } : {}) } } : {}),
  });
  try {
    const result = runEpisodes({ sim, policy: prepared.policy, episodes: 1, seed: task.seed });
    const planners = prepared.agents.map((a) => a.planner?.totals).filter((t) => t !== undefined);
    return {
      seed: task.seed,
      success: result.episodes[0]!.success,
      steps: result.episodes[0]!.steps,
      decisionMs: prepared.decisionMs(),
      decisions: planners.reduce((n, t) => n + t.decisions, 0),
      modelEvals: planners.reduce((n, t) => n + t.modelEvals, 0),
      meanCost: prepared.meanCost(),
    };
  } finally {
    for (const agent of prepared.agents) agent.dispose();
  }
}

export interface EvalRowResult {
  agent: AgentName;
  planner: EvalPlanner | null;
  successRate: number;
  /** The success rate's 95 % Wilson interval [low, high]. */
  successInterval: [number, number];
  meanSteps: number;
  msPerDecision: { median: number; p95: number };
  modelEvalsPerDecision: number;
  /** Each intrinsic cost's mean per tick over the row's ticks. */
  meanCost: Record<string, number>;
}

export function summarizeRow(row: EvalRowSpec, outcomes: readonly EpisodeOutcome[]): EvalRowResult {
  const n = Math.max(1, outcomes.length);
  const decisions = outcomes.reduce((s, o) => s + o.decisions, 0);
  return {
    agent: row.agent,
    planner: row.planner,
    successRate: outcomes.filter((o) => o.success).length / n,
    successInterval: wilsonInterval(outcomes.filter((o) => o.success).length, outcomes.length),
    meanSteps: outcomes.reduce((s, o) => s + o.steps, 0) / n,
    msPerDecision: percentiles(outcomes.flatMap((o) => o.decisionMs)),
    modelEvalsPerDecision: decisions > 0 ? outcomes.reduce((s, o) => s + o.modelEvals, 0) / decisions : 0,
    meanCost: meanPerTick(outcomes),
  };
}

/** Per-episode means pooled by ticks: the mean per tick over every tick of the outcomes. */
function meanPerTick(outcomes: readonly EpisodeOutcome[]): Record<string, number> {
  const ticks = outcomes.reduce((n, o) => n + o.steps, 0);
  const names = [...new Set(outcomes.flatMap((o) => Object.keys(o.meanCost)))];
  return Object.fromEntries(names.map((name) => [name, ticks > 0 ? outcomes.reduce((s, o) => s + (o.meanCost[name] ?? 0) * o.steps, 0) / ticks : 0]));
}

/** The oracle row: CEM through the true simulator with the sim's suggested costs (and the plug-ins, weighted as asked). */
function runOracleEpisode(task: EpisodeTask, { sim, extraCosts }: TaskPlugins): EpisodeOutcome {
  const layout = new Env(sim).observationLayout;
  const { costs, weights } = simCosts(sim, layout, extraCosts, { ...task.defaultWeights, ...task.weights });
  const stats = { decisions: 0, simulatorSteps: 0 };
  const meter = meterCosts(oraclePolicy(costs, weights, stats), costs, layout);
  const result = runEpisodes({ sim, policy: meter.policy, episodes: 1, seed: task.seed });
  return {
    seed: task.seed,
    success: result.episodes[0]!.success,
    steps: result.episodes[0]!.steps,
    decisionMs: meter.decisionMs,
    decisions: stats.decisions,
    modelEvals: stats.simulatorSteps,
    meanCost: meter.means(),
  };
}
