// The planners by name: one line per optimiser. The planning schema, the CLI and the evaluation table read the names here.
import { planGradient } from './gradient.ts';
import type { PlanFunction } from './objective.ts';
import { planRandomShooting } from './random-shooting.ts';
import { planCEM, planMPPI } from './sampling.ts';

export interface PlannerEntry {
  /** The optimiser over action sequences. */
  plan: PlanFunction;
  description: string;
  /** Plans a coarse path with the level-2 model first; its first predicted state is the subgoal `plan` reaches for at level 1. */
  hierarchical?: boolean;
}

export const PLANNERS = {
  gd: { plan: planGradient, description: 'gradient descent (Adam) on the actions through the model' },
  'gd-hier': { plan: planGradient, hierarchical: true, description: 'level-2 subgoals (H-JEPA), then gd at level 1' },
  cem: { plan: planCEM, description: 'cross-entropy method' },
  mppi: { plan: planMPPI, description: 'model-predictive path integral' },
  random: { plan: planRandomShooting, description: 'random shooting: the cheapest of uniformly random sequences' },
} as const satisfies Record<string, PlannerEntry>;

export type PlannerName = keyof typeof PLANNERS;

export const PLANNER_NAMES = Object.keys(PLANNERS) as [PlannerName, ...PlannerName[]];
