// Validation of command-line values with zod: each bad value names the flag, what it got and what is allowed.
import os from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { PLANNER_NAMES, type PlannerName } from '../agent/actor/planners/registry.ts';
import { PlanningSchema, planningValue, type PlanningConfig } from '../agent/actor/planning.ts';

function parser<T>(schema: z.ZodType<T>, expected: string): (value: string) => T {
  return (value: string) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(`expected ${expected}, got '${value}'.`);
    return result.data;
  };
}

const integerText = z.string().trim().regex(/^[+-]?\d+$/).transform(Number);

export const parsePositiveInt = parser(integerText.pipe(z.number().int().min(1).max(1e9)), 'a positive integer');
/** The largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;
export const parseSeed = parser(integerText.pipe(z.number().int().min(0).max(MAX_SEED)), `an integer seed in [0, ${MAX_SEED}]`);
export const parseShare = parser(z.string().trim().regex(/^\d*\.?\d+$/).transform(Number).pipe(z.number().min(0).max(1)), 'a fraction in [0, 1]');

/**
 * Refuses a --seed whose later episodes would need a seed past the largest (episode i uses seed + i): seeds are never
 * wrapped around, so every episode's seed is the one the command line promises.
 */
export function checkSeedRange(seed: number, episodes: number): void {
  const last = seed + episodes - 1;
  if (last > MAX_SEED) {
    throw new Error(`--seed ${seed} with --episodes ${episodes} would need seeds up to ${last}, past the largest seed, ${MAX_SEED}; give --seed ${MAX_SEED - episodes + 1} or lower, or fewer episodes`);
  }
}

/** The Mode-2 planning flags of run, eval and view. None has a default of its own: the checkpoint's settings apply. */
export interface PlanningFlags {
  planner?: PlannerName;
  horizon?: number;
  iterations?: number;
  samples?: number;
  budgetMs?: number;
}

function planningFlag<K extends 'horizon' | 'iterations' | 'candidates' | 'timeBudgetMs'>(key: K, flag: string): (value: string) => PlanningConfig[K] {
  return (value: string) => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (Number.isNaN(number)) throw new InvalidArgumentError(`${flag}: expected a number, got '${value}'.`);
    try {
      return planningValue(key, number, flag);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** Adds --planner, --horizon, --iterations, --samples and --budget-ms, each checked by the planning schema. */
export function addPlanningOptions(command: Command): Command {
  const described = (key: keyof PlanningConfig): string => PlanningSchema.shape[key].description ?? key;
  return command
    .addOption(new Option('--planner <planner>', 'Mode-2 optimiser (mode2, auto)').choices(PLANNER_NAMES))
    .option('--horizon <n>', described('horizon'), planningFlag('horizon', '--horizon'))
    .option('--iterations <n>', described('iterations'), planningFlag('iterations', '--iterations'))
    .option('--samples <n>', described('candidates'), planningFlag('candidates', '--samples'))
    .option('--budget-ms <ms>', described('timeBudgetMs'), planningFlag('timeBudgetMs', '--budget-ms'));
}

/** The planning settings the flags override (the rest stay as the checkpoint has them). */
export function planningOverrides(flags: PlanningFlags): Partial<PlanningConfig> {
  return {
    ...(flags.planner !== undefined ? { planner: flags.planner } : {}),
    ...(flags.horizon !== undefined ? { horizon: flags.horizon } : {}),
    ...(flags.iterations !== undefined ? { iterations: flags.iterations } : {}),
    ...(flags.samples !== undefined ? { candidates: flags.samples } : {}),
    ...(flags.budgetMs !== undefined ? { timeBudgetMs: flags.budgetMs } : {}),
  };
}

/**
 * A `--cost FILE[=WEIGHT]`: a plug-in file and the weight u_i it gets; without one, the checkpoint's weight for it if
 * it was trained with the cost, else 1. Weight 0 measures without optimising.
 */
export interface CostFlag {
  file: string;
  weight?: number;
}

/** `--cost` and `--weight`, repeatable, as run, train, eval and view take them. */
export interface CostFlags {
  cost: CostFlag[];
  weight: [string, number][];
}

const weightText = (value: string, flag: string, what: string): number => {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError(`${flag}: the weight of ${what} must be a finite number ≥ 0, got '${value}'`);
  return number;
};

/** Parses `FILE` or `FILE=WEIGHT` (the weight is what follows the last `=`, when that is a number). */
export function parseCostFlag(value: string, all: CostFlag[] = []): CostFlag[] {
  const at = value.lastIndexOf('=');
  if (at > 0 && /^[^/\\]*$/.test(value.slice(at + 1))) {
    const file = value.slice(0, at);
    return [...all, { file, weight: weightText(value.slice(at + 1), '--cost', `'${file}'`) }];
  }
  return [...all, { file: value }];
}

/** Parses `NAME=WEIGHT` for `--weight`. */
export function parseWeightFlag(value: string, all: [string, number][] = []): [string, number][] {
  const at = value.lastIndexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`--weight: expected NAME=WEIGHT (like goal-distance=2), got '${value}'`);
  const name = value.slice(0, at).trim();
  return [...all, [name, weightText(value.slice(at + 1), '--weight', `'${name}'`)]];
}

/** Adds `--cost FILE[=W]` and `--weight NAME=W`, both repeatable. */
export function addCostOptions(command: Command): Command {
  return command
    .option('--cost <file[=weight]>', 'load an intrinsic-cost plug-in file with weight u (default: the checkpoint\'s, else 1; 0 measures without optimising); repeatable', parseCostFlag, [] as CostFlag[])
    .option('--weight <name=weight>', 'set the weight u of a loaded intrinsic cost (built-in, the sim\'s, or a plug-in); repeatable', parseWeightFlag, [] as [string, number][]);
}

/** More threads than this only queue for the cores (each holds a tfjs backend and the checkpoint). */
const MAX_WORKERS = 4 * os.availableParallelism();

/** `--workers N`: worker threads of the local pool, 0 for this thread, at most 4 per core. */
export function parseWorkers(v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`--workers: expected a whole number (0 runs in this thread), got '${v}'`);
  if (Number(v) > MAX_WORKERS) throw new Error(`--workers: at most ${MAX_WORKERS} (4 per core on this machine), got ${v}`);
  return Number(v);
}
