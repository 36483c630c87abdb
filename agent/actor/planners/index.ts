// Mode-2 planners: pure functions of a planning problem (model and cost injected) and options.
export { planGradient, GRADIENT_DEFAULTS } from './gradient.ts';
export { planCEM, planMPPI, CEM_DEFAULTS, MPPI_DEFAULTS } from './sampling.ts';
export { costsAndGradient, evaluateCosts, rolloutCost, shiftPlan, type PlanFunction, type PlanningProblem, type PlanOptions, type PlanResult, type Unrolled } from './problem.ts';
export { mlpHead, residualMlpStep, type MlpHead, type ModelStep } from './mlp-step.ts';
