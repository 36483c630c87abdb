// The cost module's public face: the intrinsic-cost API for plug-ins and sims, the built-ins, the registry, the critic.
export { checkCostValue, costLabel, defineIntrinsicCost, isIntrinsicCost, withSource, type CostInputs, type FeatureTensors, type IntrinsicCost, type IntrinsicCostDefinition } from './intrinsic.ts';
export { builtinCosts, blockToTarget, collisionRisk, energy, goalDistance, pusherToBlock, stayInRegion } from './builtins.ts';
export { costRegistry, loadCosts, type SimWithCosts } from './registry.ts';
export { CostModule } from './cost-module.ts';
export { meterCosts, type CostMeter } from './cost-meter.ts';
export { Critic, tdTargets } from './critic.ts';
export { GoalCritic, goalGeometry, impossibleProgress, placeOf, placeSize, type GoalGeometry, type PlaceBatch } from './goal-critic.ts';
