// The public API of autonomy, as `import { … } from 'autonomy'`: write intrinsic costs and sims, run agents on them.
export { defineIntrinsicCost } from './agent/cost/index.ts';
export { defineSim } from './world/sim.ts';
