// Mode-2 planning settings: one zod schema, each default written once; config, checkpoints and the CLI all read it.
import { z } from 'zod';
import { PLANNER_NAMES } from './planners/registry.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const PlanningSchema = z.strictObject({
  planner: z.enum(PLANNER_NAMES).default('gd').describe(`Mode-2 optimiser: ${PLANNER_NAMES.join(', ')}.`),
  horizon: int(1, 256).default(16).describe('Planning horizon H in ticks.'),
  candidates: int(1, 4096).default(16).describe('Action sequences optimised or sampled together (B).'),
  iterations: int(1, 10_000).default(20).describe('Maximum optimiser iterations of a cold decision (no plan to warm-start from).'),
  warmIterations: int(1, 10_000).default(4).describe('Maximum iterations when warm-started from the previous plan, shifted.'),
  elites: int(1, 4096).optional().describe('CEM: samples the Gaussian is refitted to (default: a quarter of the candidates, at least 2).'),
  timeBudgetMs: z.number().positive().optional().describe('Wall-clock budget per decision in ms; the planner stops at whichever limit comes first (default: none, so a run depends only on its seed).'),
  discount: z.number().gt(0).max(1).default(0.98).describe('Discount γ of stage costs over the horizon.'),
  coarseHorizon: int(1, 256).default(12).describe('Level-2 steps planned by a hierarchical planner (each is worldModel.level2Steps ticks).'),
  subgoalWeight: z.number().min(0).default(1).describe('Weight of the distance to the level-2 subgoal in a hierarchical planner\'s level-1 cost.'),
});

export type PlanningConfig = z.output<typeof PlanningSchema>;
export type PlanningConfigInput = z.input<typeof PlanningSchema>;

/**
 * Validates one planning setting (a CLI flag, a task's horizon) against the schema.
 * @param label how the caller names it in the error, e.g. `--horizon`
 */
export function planningValue<K extends keyof PlanningConfig>(key: K, value: unknown, label: string = key): PlanningConfig[K] {
  const result = PlanningSchema.shape[key].safeParse(value);
  if (!result.success || result.data === undefined) {
    throw new Error(`${label}: ${result.success ? 'a value is required' : result.error.issues.map((i) => i.message).join('; ')} (got ${String(value)}; ${PlanningSchema.shape[key].description})`);
  }
  return result.data as PlanningConfig[K];
}
