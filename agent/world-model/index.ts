// The world model's public face: the interface planners see, the H-JEPA, its training step, evidence, surprise and imagined path.
export type { PlanningHead, PlanningView, RolloutActions, Unrolled, WorldModel } from './world-model.ts';
export { createWorldModel, HJepa, probeLayoutOf, type HJepaOptions } from './h-jepa.ts';
export { DEFAULT_LOSS_WEIGHTS, timeMajor, WorldModelTrainer, type LossReport, type LossWeights } from './trainer.ts';
export { evaluateWorldModel, HORIZONS, poseFeatures, type WorldModelEvidence } from './evaluate.ts';
export { SurpriseMonitor } from './surprise.ts';
export { imaginedPath } from './imagined-path.ts';
