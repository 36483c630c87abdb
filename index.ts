// The public API of autonomy, as `import { … } from 'autonomy'`: write intrinsic costs and sims, then run, train and measure agents on them.
import type { SimWithCosts } from './agent/cost/index.ts';
import { defineSim as defineWorldSim } from './world/sim.ts';

// Intrinsic costs: the plug-in API and the built-ins.
export {
  defineIntrinsicCost,
  isIntrinsicCost,
  builtinCosts,
  blockToTarget,
  collisionRisk,
  energy,
  goalDistance,
  pusherToBlock,
  stayInRegion,
  CostModule,
  type CostInputs,
  type FeatureTensors,
  type IntrinsicCost,
  type IntrinsicCostDefinition,
  type SimWithCosts,
} from './agent/cost/index.ts';

/**
 * Declares a sim: its arena, bodies, sensors, scene, success test, suggested costs and scripted controller, and any
 * intrinsic costs of its own (`costs`). Checked when loaded (`autonomy run ./my-sim.ts`); see docs/sims.md.
 */
export const defineSim: (sim: SimWithCosts) => SimWithCosts = defineWorldSim as (sim: SimWithCosts) => SimWithCosts;

// The world: sims' contract, the environment, episodes, seeds.
export {
  isSim,
  type AgentBodySpec,
  type BlockSpec,
  type BodyState,
  type Pose,
  type SceneSpec,
  type ScriptedController,
  type SensorSpec,
  type SimDefinition,
  type SimFeature,
  type SuggestedCost,
  type Vec,
  type WallSpec,
  type WorldState,
} from './world/sim.ts';
export { Env, ACTION_SIZE, CORE_FEATURES, type Observation, type StepResult, type ResetResult } from './world/env.ts';
export { FeatureLayout, positionScale } from './world/features.ts';
export { runEpisodes, type EpisodePolicy, type PolicyFactory, type RunOptions, type RunResult } from './world/episodes.ts';
export { checkEnv } from './world/check-env.ts';
export { Rng } from './world/rng.ts';
export { deriveSeed } from './world/seeds.ts';

// The registered sims and the steering helpers their scripted controllers use.
export { sims, getSim, shippedCheckpoint } from './sims/index.ts';
export { arrive, distance, wrapAngle } from './sims/steering.ts';

// Agents: building, loading, preparing a policy by name, training, the tfjs backend.
export { Agent, type AgentOptions } from './agent/agent.ts';
export { parseAgentConfig, type AgentConfig, type AgentConfigInput } from './agent/config.ts';
export { loadAgent, saveAgent } from './agent/agent-checkpoint.ts';
export { AGENTS, preparePolicy, type AgentName, type PreparedPolicy, type PrepareOptions } from './agent/harness/policies.ts';
export { loadCostFile, loadSimFile, checkCosts } from './agent/harness/plugins.ts';
export { trainRun, PRESETS, type Preset, type TrainRunOptions, type TrainRunResult } from './agent/training/training-run.ts';
export { initBackend, BACKENDS, type BackendName } from './agent/tensor/backend.ts';
