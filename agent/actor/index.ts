// The actor's public face: Mode-1 policy, the Mode-2 planners by name, their settings and the controllers that run them.
export { Actor, type Planner } from './actor.ts';
export { Policy } from './policy.ts';
export { PlanningSchema, planningValue, type PlanningConfig, type PlanningConfigInput } from './planning.ts';
export { PLANNERS, PLANNER_NAMES, shiftPlan, type PlannerEntry, type PlannerName } from './planners/index.ts';
export { createPlanner, type PlannerParts } from './planner-factory.ts';
export { RecedingHorizonPlanner, type RecedingHorizonOptions } from './receding-horizon.ts';
export { HierarchicalPlanner, type HierarchicalOptions } from './hierarchical-planner.ts';
