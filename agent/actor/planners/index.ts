// Mode-2 planners: pure functions of a planning problem (model and cost injected) and options.
export { planGradient, GRADIENT_DEFAULTS } from './gradient.ts';
export { planCEM, planMPPI, CEM_DEFAULTS, MPPI_DEFAULTS } from './sampling.ts';
export { evaluateCosts, rolloutCost, shiftPlan, type PlanFunction, type PlanningProblem, type PlanOptions, type PlanResult } from './problem.ts';
export { residualMlpStep, type ModelStep } from './mlp-step.ts';
