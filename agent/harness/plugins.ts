// Loads a user's cost and sim files from anywhere (TypeScript or JavaScript), checks them, and names the file in every refusal.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { checkEnv } from '../../world/check-env.ts';
import { Env } from '../../world/env.ts';
import { Rng } from '../../world/rng.ts';
import { isSim } from '../../world/sim.ts';
import { CostModule, costLabel, isIntrinsicCost, withSource, type IntrinsicCost, type SimWithCosts } from '../cost/index.ts';

/** This installation's root folder (the one holding its package.json), from source or from the compiled `dist/`. */
function installationRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** True when this code runs compiled (dist/…/plugins.js), false when it runs from source. */
const COMPILED = import.meta.url.endsWith('.js');

/** Set once tsx's API is registered in this thread (by bin/autonomy.js, or below). */
const TSX = Symbol.for('autonomy.tsx');

/**
 * Whether tsx's API already loads TypeScript in this thread, in front of which our hooks go (`--import tsx`, as eval's
 * workers have, does not count: the hooks it installs there leave a plug-in's TypeScript untransformed).
 */
function tsxActive(): boolean {
  return (globalThis as Record<symbol, unknown>)[TSX] === true;
}

/** Node's own import(), which the module hooks see, even where a test runner (vitest) rewrites this module's import(). */
const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (specifier: string) => Promise<unknown>;

let hooks: Promise<void> | null = null;

/**
 * Installs, once per thread, the module hooks that let a plug-in anywhere import `autonomy` and `@tensorflow/tfjs`
 * (both resolve to this installation) and be written in TypeScript.
 */
export function enablePlugins(): Promise<void> {
  hooks ??= (async () => {
    // tsx goes in first unless bin/autonomy.js put it there (compiled code, eval's workers and test runners have none).
    if (!tsxActive()) {
      (await import('tsx/esm/api')).register();
      (globalThis as Record<symbol, unknown>)[TSX] = true;
    }
    const root = installationRoot();
    const autonomy = pathToFileURL(path.join(COMPILED ? path.join(root, 'dist') : root, COMPILED ? 'index.js' : 'index.ts')).href;
    register(new URL('./plugin-hooks.js', import.meta.url).href, { data: { autonomy, root: pathToFileURL(root + path.sep).href } });
  })();
  return hooks;
}

type PluginKind = 'cost' | 'sim';

const MAKER: Record<PluginKind, string> = {
  cost: "`export default defineIntrinsicCost({ name, description, reads, cost })` (import { defineIntrinsicCost } from 'autonomy')",
  sim: "`export default defineSim({ name, description, arena, … })` (import { defineSim } from 'autonomy'; see docs/sims.md)",
};

/** Where esbuild (the parser tsx uses) finds the first syntax error of a file, as "line L, column C", or null. */
async function syntaxErrorAt(full: string): Promise<{ at: string; text: string } | null> {
  const { transform } = await import('esbuild');
  try {
    await transform(fs.readFileSync(full, 'utf8'), { loader: full.endsWith('.ts') ? 'ts' : 'js', format: 'esm', sourcefile: full });
    return null;
  } catch (e) {
    const first = (e as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors?.[0];
    if (!first) return null;
    return { at: first.location ? ` at line ${first.location.line}, column ${first.location.column + 1}` : '', text: first.text };
  }
}

/** Imports a plug-in file and returns its default export; each way it can fail is one line naming the file. */
async function importPlugin(file: string, kind: PluginKind): Promise<unknown> {
  const full = path.resolve(file);
  const what = `${kind} file '${file}'`;
  if (!fs.existsSync(full)) throw new Error(`${what} does not exist (looked for ${full}); give the path of a .ts or .js file`);
  if (fs.statSync(full).isDirectory()) throw new Error(`${what} is a folder; give the file inside it that has ${MAKER[kind]}`);
  await enablePlugins();
  let module: { default?: unknown };
  try {
    module = (await nativeImport(pathToFileURL(full).href)) as { default?: unknown };
  } catch (e) {
    const error = e as Error;
    const message = (error?.message ?? String(e)).split('\n').find((l) => l.trim() !== '') ?? String(e);
    if (error instanceof SyntaxError || /Transform failed/.test(error?.message ?? '')) {
      const found = await syntaxErrorAt(full);
      if (found) throw new Error(`${what} has a syntax error${found.at}: ${found.text}`);
    }
    throw new Error(`${what} threw while loading: ${message}`, { cause: e });
  }
  if (!('default' in module) || module.default === undefined) {
    throw new Error(`${what} has no default export; write ${MAKER[kind]}`);
  }
  return module.default;
}

/** Loads one intrinsic-cost plug-in file; the cost is labelled with its file in every later message. */
export async function loadCostFile(file: string): Promise<IntrinsicCost> {
  const value = await importPlugin(file, 'cost');
  if (!isIntrinsicCost(value)) throw new Error(`cost file '${file}': its default export was not made with defineIntrinsicCost; write ${MAKER.cost}`);
  return withSource(value, file);
}

/** Loads intrinsic-cost plug-in files, in order. */
export async function loadCostFiles(files: readonly string[]): Promise<IntrinsicCost[]> {
  const out: IntrinsicCost[] = [];
  for (const file of files) out.push(await loadCostFile(file));
  return out;
}

/** Whether a command-line sim argument names a file rather than a registered sim. */
export function isSimFile(argument: string): boolean {
  return /[\\/]/.test(argument) || /\.(ts|js|mts|mjs)$/.test(argument);
}

/** Loads a sim file, with its own costs, and runs the env checker on it (a few hundred random steps). */
export async function loadSimFile(file: string): Promise<SimWithCosts> {
  const value = await importPlugin(file, 'sim');
  if (!isSim(value)) throw new Error(`sim file '${file}': its default export was not made with defineSim; write ${MAKER.sim}`);
  const sim = value as SimWithCosts;
  const label = `sim '${String(sim.name)}' (${file})`;
  if (sim.costs !== undefined && (!Array.isArray(sim.costs) || sim.costs.some((c) => !isIntrinsicCost(c)))) {
    throw new Error(`${label}: costs must be an array of costs made with defineIntrinsicCost`);
  }
  try {
    checkEnv(sim, { steps: 50 });
  } catch (e) {
    throw new Error(`${label} fails the env check: ${(e as Error).message.replace(/\n/g, ' ')}`, { cause: e });
  }
  const costs = sim.costs?.map((c) => withSource(c, file));
  return Object.freeze({ ...sim, ...(costs ? { costs } : {}) }) as SimWithCosts;
}

/** Sample states a cost is tried on before a run: `rows` observations from random actions in the sim. */
function sampleStates(sim: SimWithCosts, rows: number): { x: tf.Tensor2D; a: tf.Tensor2D; layout: Env['observationLayout'] } {
  const env = new Env(sim);
  const rng = new Rng(0);
  const observations: Float32Array[] = [];
  const actions: Float32Array[] = [];
  let seed = 0;
  let obs = env.reset({ seed }).observations;
  while (observations.length < rows) {
    const act = obs.map(() => env.actionSpace.sample(rng));
    obs.forEach((o, i) => {
      observations.push(o);
      actions.push(act[i]!);
    });
    const r = env.step(act);
    // A new episode every few ticks: the samples spread over many starting scenes.
    obs = r.terminated || r.truncated || observations.length % 8 === 0 ? env.reset({ seed: ++seed }).observations : r.observations;
  }
  const size = env.observationLayout.size;
  const flat = new Float32Array(rows * size);
  const flatA = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    flat.set(observations[i]!, i * size);
    flatA.set(actions[i]!, i * 2);
  }
  return { x: tf.tensor2d(flat, [rows, size]), a: tf.tensor2d(flatA, [rows, 2]), layout: env.observationLayout };
}

/**
 * Tries plug-in costs on sample states of the sim before anything runs: an unknown or undeclared feature, a throw, a
 * wrong shape or a non-finite value is refused (naming the cost and its file); a gradient that is zero on every sample
 * is a warning, since gradient planners then cannot follow the cost.
 * @returns the warnings, one line each
 */
export function checkCosts(costs: readonly IntrinsicCost[], sim: SimWithCosts, rows = 64): string[] {
  if (costs.length === 0) return [];
  const warnings: string[] = [];
  const { x, a, layout } = sampleStates(sim, rows);
  try {
    for (const cost of costs) {
      const module = new CostModule([cost], layout);
      // Each value once, outside a gradient: a throw, a wrong shape or a non-finite value is refused here.
      tf.tidy(() => module.terms(x, a, layout));
      const steepest = (of: 'x' | 'a'): number =>
        tf.tidy(() => {
          const f = (input: tf.Tensor): tf.Scalar => tf.sum(module.terms(of === 'x' ? (input as tf.Tensor2D) : x, of === 'a' ? (input as tf.Tensor2D) : a, layout)[0]!);
          try {
            return tf.max(tf.abs(tf.grad(f)(of === 'x' ? x : a))).dataSync()[0]!;
          } catch (e) {
            // tf.grad refuses a function whose value does not depend on its input: no gradient at all.
            if (/Cannot compute gradient/.test((e as Error).message)) return 0;
            throw e;
          }
        });
      const [gx, ga] = [steepest('x'), steepest('a')];
      if (!(gx! > 0) && !(ga! > 0)) {
        warnings.push(`warning: ${costLabel(cost)} has a zero gradient on all ${rows} sample states of '${sim.name}': gradient planners (gd, gd-hier) cannot follow it; check that it depends on what it reads, or plan with cem or mppi`);
      }
    }
  } finally {
    x.dispose();
    a.dispose();
  }
  return warnings;
}
