// Evaluation rows and single evaluation episodes: the unit of work that runs serially or on a worker pool.
import { PLANNER_NAMES, type PlannerName } from '../../agent/actor/planners/registry.ts';
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import { meterCosts } from '../../agent/cost/cost-meter.ts';
import { simCosts } from '../../agent/harness/costs.ts';
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
}

export interface EpisodeOutcome {
  seed: number;
  success: boolean;
  steps: number;
  decisionMs: number[];
  decisions: number;
  modelEvals: number;
}

/** Runs one evaluation episode in this thread (the backend must be initialised). */
export function runEvalEpisode(task: EpisodeTask): EpisodeOutcome {
  const sim = getSim(task.sim);
  if (task.row.planner === 'oracle') return runOracleEpisode(task);
  const prepared = preparePolicy(sim, task.row.agent, {
    seed: task.seed,
    checkpoint: task.row.agent === 'random' || task.row.agent === 'scripted' ? undefined : task.checkpoint,
    shippedCheckpoint: shippedCheckpoint(sim.name),
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
  };
}

/** The oracle row: CEM through the true simulator with the sim's suggested costs. */
function runOracleEpisode(task: EpisodeTask): EpisodeOutcome {
  const sim = getSim(task.sim);
  const layout = new Env(sim).observationLayout;
  const { costs, weights } = simCosts(sim, layout);
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
  };
}
