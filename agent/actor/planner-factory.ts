// Builds the Mode-2 planner the planning settings name (see the registry) over the agent's world model, costs and policy.
import type { CostModule, Critic, GoalCritic } from '../cost/index.ts';
import type { WorldModel } from '../world-model/index.ts';
import type { Planner } from './actor.ts';
import { HierarchicalPlanner } from './hierarchical-planner.ts';
import { PLANNERS, type PlannerEntry } from './planners/registry.ts';
import type { PlanningConfig } from './planning.ts';
import type { Policy } from './policy.ts';
import { RecedingHorizonPlanner } from './receding-horizon.ts';

/**
 * The goal critic as a planning cost: `weight`·d(ŝ) at every predicted state, or at the last one only, plus
 * `weight`·`infeasibleWeight` per tick of time to the goal gained beyond `maxProgress` in one imagined step.
 */
export interface GoalCriticUse {
  critic: GoalCritic;
  weight: number;
  at: 'every-step' | 'end';
  maxProgress: number;
  infeasibleWeight: number;
}

/** The modules a planner plans with. */
export interface PlannerParts {
  model: WorldModel;
  cost: CostModule;
  critic: Critic | null;
  /** The learned time to the goal and how the plan pays it, or null. */
  goalCritic?: GoalCriticUse | null;
  /** Mode-1, which warm-starts the planner. */
  policy: Policy;
}

export function createPlanner({ model, cost, critic, goalCritic, policy }: PlannerParts, planning: PlanningConfig, seed: number): Planner {
  const entry: PlannerEntry = PLANNERS[planning.planner];
  const { candidates, iterations, warmIterations, timeBudgetMs, discount, elites, subgoalWeight, coarseHorizon } = planning;
  const flat = new RecedingHorizonPlanner(model, cost, critic, policy, { goalCritic, plan: entry.plan, candidates, iterations, warmIterations, timeBudgetMs, discount, elites, subgoalWeight, seed });
  return entry.hierarchical ? new HierarchicalPlanner(model, cost, flat, { plan: entry.plan, coarseHorizon, candidates, iterations, seed }) : flat;
}
