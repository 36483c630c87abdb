// A sweep file (JSON): sims × seeds × settings, to train and/or evaluate; read, checked (each fault named with its place in the file) and laid out as cells.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PLANNER_NAMES } from '../../agent/actor/planners/registry.ts';
import { planningValue, type PlanningConfig } from '../../agent/actor/planning.ts';
import { isSimFile } from '../../agent/harness/plugins.ts';
import { PRESETS } from '../../agent/training/training-run.ts';
import { MAX_SEED } from '../options.ts';
import type { PresetName } from '../jobs/train-job.ts';

const NAME = /^[A-Za-z0-9_.=,+-]+$/;
const seed = z.number().int().min(0).max(MAX_SEED);

const SettingSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits and _ . = , + - only (it names a folder)').optional(),
  preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).optional(),
  steps: z.number().int().min(1).optional(),
  scriptedShare: z.number().min(0).max(1).optional(),
  planner: z.enum(PLANNER_NAMES).optional(),
  horizon: z.number().optional(),
  iterations: z.number().optional(),
  samples: z.number().optional(),
  budgetMs: z.number().optional(),
  costs: z.array(z.string().min(1)).optional(),
  weights: z.record(z.string(), z.number().min(0)).optional(),
  checkpoint: z.string().min(1).optional(),
});

const SweepSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits and _ . = , + - only (it names a folder)').optional(),
  sims: z.array(z.string().min(1)).min(1),
  seeds: z.array(seed).min(1),
  settings: z.array(SettingSchema).min(1).optional(),
  train: z.boolean().optional(),
  eval: z
    .strictObject({
      episodes: z.number().int().min(1),
      seed: seed.optional(),
      only: z.string().min(1).optional(),
      deterministic: z.boolean().optional(),
    })
    .optional(),
});

export type SweepFile = z.infer<typeof SweepSchema>;
type SettingInput = z.infer<typeof SettingSchema>;

/** One setting of the grid, its paths resolved against the sweep file's folder. */
export interface Setting {
  name: string;
  preset: PresetName;
  steps?: number;
  scriptedShare?: number;
  planning: Partial<PlanningConfig>;
  /** `FILE` or `FILE=WEIGHT`, as --cost takes them. */
  costs: string[];
  weights: Record<string, number>;
  /** The checkpoint an evaluation-only sweep evaluates (default: the sim's shipped one). */
  checkpoint?: string;
}

export interface SweepPlan {
  name: string;
  file: string;
  /** Sim names, or sim files resolved against the sweep file's folder. */
  sims: string[];
  seeds: number[];
  settings: Setting[];
  train: boolean;
  eval: { episodes: number; seed: number; only: string; deterministic: boolean } | null;
}

/** A cell of the grid: a sim, a setting and a seed (the training seed; in an evaluation-only sweep, the first episode's). */
export interface Cell {
  sim: string;
  setting: Setting;
  seed: number;
}

const TRAINING_FIELDS = ['preset', 'steps', 'scriptedShare'] as const;

/** A name for a setting from what it sets, when the file gives none. */
function settingName(s: SettingInput, index: number, count: number): string {
  const parts = Object.entries(s)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => (k === 'costs' ? `costs=${(v as string[]).map((c) => path.basename(c).replace(/\.[^.=]*(?==|$)/, '')).join('+')}` : k === 'weights' ? Object.entries(v as Record<string, number>).map(([n, w]) => `${n}=${w}`).join(',') : k === 'checkpoint' ? `checkpoint=${path.basename(v as string)}` : `${k}=${String(v)}`));
  const name = parts.join(',').replace(/[^A-Za-z0-9_.=,+-]/g, '_');
  return name !== '' ? name : count === 1 ? 'default' : `setting-${index + 1}`;
}

/** Reads and checks a sweep file; each fault names the file, the place in it and what is allowed. */
export function readSweep(file: string): SweepPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`sweep file '${file}' ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`}; give a JSON file like docs/scale-out.md shows`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`sweep file '${file}' is not valid JSON (${(e as Error).message})`);
  }
  const parsed = SweepSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'the top level';
    throw new Error(`sweep file '${file}': ${at}: ${issue.message}; see docs/scale-out.md for the fields`);
  }
  const sweep = parsed.data;
  const refuse = (why: string): never => {
    throw new Error(`sweep file '${file}': ${why}`);
  };
  const train = sweep.train ?? false;
  if (!train && !sweep.eval) refuse('it asks for nothing: set "train": true, give "eval": { "episodes": N }, or both');
  const folder = path.dirname(path.resolve(file));
  const resolve = (p: string): string => path.resolve(folder, p);
  const inputs = sweep.settings ?? [{}];
  const settings = inputs.map((s, i): Setting => {
    if (!train) {
      const field = TRAINING_FIELDS.find((f) => s[f] !== undefined);
      if (field) refuse(`settings[${i}].${field} is a training setting, and the sweep does not train; set "train": true or drop it`);
    } else if (s.checkpoint !== undefined) refuse(`settings[${i}].checkpoint names a checkpoint to evaluate, and this sweep trains its own; drop it or set "train": false`);
    const value = <K extends 'horizon' | 'iterations' | 'candidates' | 'timeBudgetMs'>(key: K, v: number, label: string): PlanningConfig[K] => {
      try {
        return planningValue(key, v, label);
      } catch (e) {
        return refuse((e as Error).message);
      }
    };
    const planning: Partial<PlanningConfig> = {
      ...(s.planner !== undefined ? { planner: s.planner } : {}),
      ...(s.horizon !== undefined ? { horizon: value('horizon', s.horizon, `settings[${i}].horizon`) } : {}),
      ...(s.iterations !== undefined ? { iterations: value('iterations', s.iterations, `settings[${i}].iterations`) } : {}),
      ...(s.samples !== undefined ? { candidates: value('candidates', s.samples, `settings[${i}].samples`) } : {}),
      ...(s.budgetMs !== undefined ? { timeBudgetMs: value('timeBudgetMs', s.budgetMs, `settings[${i}].budgetMs`) } : {}),
    };
    if (sweep.eval?.deterministic && planning.timeBudgetMs !== undefined) refuse(`settings[${i}].budgetMs: "eval.deterministic" plans without a time budget; drop one of them`);
    const costs = (s.costs ?? []).map((c) => {
      const at = c.lastIndexOf('=');
      return at > 0 && /^[^/\\]*$/.test(c.slice(at + 1)) ? `${resolve(c.slice(0, at))}=${c.slice(at + 1)}` : resolve(c);
    });
    return {
      name: s.name ?? settingName(s, i, inputs.length),
      preset: s.preset ?? 'quick',
      ...(s.steps !== undefined ? { steps: s.steps } : {}),
      ...(s.scriptedShare !== undefined ? { scriptedShare: s.scriptedShare } : {}),
      planning,
      costs,
      weights: s.weights ?? {},
      ...(s.checkpoint !== undefined ? { checkpoint: resolve(s.checkpoint) } : {}),
    };
  });
  const names = settings.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) refuse(`two settings are named '${twice}'; give each a distinct "name"`);
  if (new Set(sweep.seeds).size !== sweep.seeds.length) refuse(`"seeds" lists a seed twice (${sweep.seeds.join(', ')})`);
  if (new Set(sweep.sims).size !== sweep.sims.length) refuse(`"sims" lists a sim twice (${sweep.sims.join(', ')})`);
  if (sweep.eval && !train) {
    const last = Math.max(...sweep.seeds) + sweep.eval.episodes - 1;
    if (last > MAX_SEED) refuse(`seed ${Math.max(...sweep.seeds)} with ${sweep.eval.episodes} episodes needs seeds past the largest, ${MAX_SEED}`);
  }
  return {
    name: sweep.name ?? (path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.=,+-]/g, '_') || 'sweep'),
    file,
    sims: sweep.sims.map((s) => (isSimFile(s) ? resolve(s) : s)),
    seeds: sweep.seeds,
    settings,
    train,
    eval: sweep.eval ? { episodes: sweep.eval.episodes, seed: sweep.eval.seed ?? 1000, only: sweep.eval.only ?? 'mode1,mode2', deterministic: sweep.eval.deterministic ?? false } : null,
  };
}

/** The grid's cells, sim by sim, setting by setting, seed by seed. */
export function cells(plan: SweepPlan): Cell[] {
  return plan.sims.flatMap((sim) => plan.settings.flatMap((setting) => plan.seeds.map((seed) => ({ sim, setting, seed }))));
}
