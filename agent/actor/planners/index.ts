// Mode-2 planners: pure functions of a planning problem (model and cost injected) and options, and their registry.
export { planGradient, GRADIENT_DEFAULTS } from './gradient.ts';
export { planCEM, planMPPI, CEM_DEFAULTS, MPPI_DEFAULTS } from './sampling.ts';
export { planRandomShooting } from './random-shooting.ts';
export { PLANNERS, PLANNER_NAMES, type PlannerEntry, type PlannerName } from './registry.ts';
export { costsAndGradient, evaluateCosts, rolloutCost, shiftPlan, type PlanFunction, type PlanningProblem, type PlanOptions, type PlanResult, type Unrolled } from './objective.ts';
