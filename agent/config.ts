// The agent's configuration: one zod schema with documented defaults, parsed once and frozen.
import { z } from 'zod';
import { PlanningSchema } from './actor/index.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const MODES = ['mode1', 'mode2', 'auto'] as const;
export type Mode = (typeof MODES)[number];

export const AgentConfigSchema = z.strictObject({
  seed: int(0, 2 ** 32 - 1).default(0).describe('Seed of every random draw of the agent (weights, sampling).'),
  perception: z
    .strictObject({
      latent: int(2, 1024).default(32).describe('Size of the representation s.'),
      hidden: int(1, 4096).default(128).describe('Width of the fusion layer.'),
      branch: int(1, 4096).default(64).describe('Width of the vector-feature and grid branches before fusion.'),
      stateSlot: z
        .boolean()
        .default(false)
        .describe('Append the vector features (all but the grid) to s unchanged: a state slot the world model predicts and the probe heads read exactly, for tasks that need precise poses (push).'),
    })
    .prefault({}),
  actor: z
    .strictObject({
      mode: z.enum(MODES).default('mode1').describe('mode1: reactive policy; mode2: planning; auto: the configurator decides per tick.'),
      hidden: z.array(int(1, 4096)).min(1).default([64, 64]).describe('Hidden layer widths of the Mode-1 policy.'),
    })
    .prefault({}),
  cost: z
    .strictObject({
      weights: z.record(z.string(), z.number().min(0)).default({}).describe('Intrinsic cost name → weight u_i; overrides the sim\'s suggestion.'),
      criticWeight: z.number().min(0).default(0).describe('Weight v of the trainable critic in C(s).'),
      criticHidden: z.array(int(1, 4096)).min(1).default([64, 64]).describe('Hidden layer widths of the critic.'),
      discount: z.number().gt(0).lt(1).default(0.95).describe('Discount γ of the critic\'s future intrinsic cost.'),
      tdSteps: int(1, 256).default(8).describe('n of the critic\'s n-step TD targets.'),
      goalCritic: z
        .strictObject({
          enabled: z.boolean().default(false).describe('Build the goal critic: a learned time to the goal that knows the layout (walls, doors).'),
          weight: z.number().min(0).default(0).describe('Its weight in the planner\'s cost (per priced state; 0: trained, not planned with).'),
          at: z.enum(['every-step', 'end']).default('end').describe('Price it only at the plan\'s last state (a cost-to-go), or at every predicted state.'),
          maxProgress: z.number().gt(0).default(3).describe('The most its time to the goal can fall in one real tick; an imagined step that gains more is one the world would not allow.'),
          infeasibleWeight: z.number().min(0).default(50).describe('Cost of each tick gained beyond maxProgress in one imagined step, relative to weight (0: off).'),
          hidden: z.array(int(1, 4096)).min(1).default([64, 64]).describe('Hidden layer widths of its embedding.'),
          embedding: int(1, 1024).default(32).describe('Size of the embedding whose distances are the times to the goal.'),
        })
        .prefault({}),
    })
    .prefault({}),
  worldModel: z
    .strictObject({
      enabled: z.boolean().default(false).describe('Build the H-JEPA world model (needed by Mode-2 and the surprise cost).'),
      hidden: int(1, 4096).default(128).describe('Hidden width of the level-1 predictor.'),
      latentVariable: int(0, 64).default(2).describe('Size of the latent variable z (0: none).'),
      expander: z.array(int(1, 4096)).min(1).default([128, 128]).describe('Widths of the VICReg expander.'),
      probeHidden: int(1, 4096).default(64).describe('Hidden width of the probe heads.'),
      level2Latent: int(1, 1024).default(16).describe('Size of the level-2 representation s2.'),
      level2Steps: int(1, 64).default(4).describe('Ticks per level-2 step (k).'),
      level2Hidden: int(1, 4096).default(64).describe('Hidden width of the level-2 encoder and predictor.'),
    })
    .prefault({}),
  memory: z
    .strictObject({
      capacity: int(1, 10_000_000).default(50_000).describe('Records held by short-term memory (ring buffer).'),
    })
    .prefault({}),
  planning: PlanningSchema.prefault({}),
});

export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
export type AgentConfig = z.output<typeof AgentConfigSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses a raw config; a bad field throws naming its path, the value's problem and the allowed values. */
export function parseAgentConfig(input: unknown = {}): AgentConfig {
  const result = AgentConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `- ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid agent config:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}
