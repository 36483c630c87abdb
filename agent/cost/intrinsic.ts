// The intrinsic-cost plug-in API: defineIntrinsicCost, feature binding, and validation with messages naming the cost.
import * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';

/** Named state features of a batch: a size-1 feature is [B]; a wider one, or a `prefix.*` pattern, is [B, k]. */
export type FeatureTensors = Record<string, tf.Tensor>;

export interface CostInputs {
  /** The features named in `reads`. */
  f: FeatureTensors;
  /** The actions taken in these states [B, 2]. */
  a: tf.Tensor2D;
}

export interface IntrinsicCostDefinition {
  /** Kebab-case name, unique among loaded costs. */
  name: string;
  description: string;
  /** Feature names the cost reads; `prefix.*` reads every feature starting with `prefix.` as one [B, k] tensor. */
  reads: string[];
  /** One differentiable value per batch row: [B] in, [B] out. Never trained. */
  cost: (inputs: CostInputs) => tf.Tensor;
}

export type IntrinsicCost = Readonly<IntrinsicCostDefinition> & {
  /** The plug-in file the cost was loaded from, named in every message about it (absent for built-ins). */
  readonly source?: string;
};

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Marks what defineIntrinsicCost made; a global symbol, so a plug-in's copy of the API is recognised too. */
const MADE = Symbol.for('autonomy.intrinsic-cost');

/** Whether a value was made by defineIntrinsicCost. */
export function isIntrinsicCost(value: unknown): value is IntrinsicCost {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MADE] === true;
}

/** How messages name a cost: `intrinsic cost 'name'`, and the plug-in file it came from. */
export function costLabel(cost: { name?: unknown; source?: string | undefined }): string {
  return `intrinsic cost '${String(cost?.name)}'${cost?.source ? ` (${cost.source})` : ''}`;
}

/** The same cost, labelled with the plug-in file it was loaded from. */
export function withSource(cost: IntrinsicCost, source: string): IntrinsicCost {
  return Object.freeze({ ...cost, source });
}

/** Declares an intrinsic cost; the definition is checked at once and frozen. */
export function defineIntrinsicCost(definition: IntrinsicCostDefinition): IntrinsicCost {
  const label = costLabel(definition);
  if (typeof definition?.name !== 'string' || !NAME.test(definition.name)) {
    throw new Error(`${label}: name must be kebab-case (like 'goal-distance')`);
  }
  if (typeof definition.description !== 'string' || definition.description.trim() === '') {
    throw new Error(`${label}: description must be a non-empty string saying what the cost penalises`);
  }
  if (!Array.isArray(definition.reads) || definition.reads.some((r) => typeof r !== 'string' || r === '')) {
    throw new Error(`${label}: reads must be an array of feature names (like ['goal.dx', 'goal.dy'])`);
  }
  if (typeof definition.cost !== 'function') throw new Error(`${label}: cost must be a function ({ f, a }) => tf.Tensor of shape [B]`);
  return Object.freeze({ ...definition, reads: Object.freeze([...definition.reads]) as string[], [MADE]: true });
}

/** Resolves a cost's reads against a layout; throws naming the cost and the unknown feature. */
export function resolveReads(cost: IntrinsicCost, layout: FeatureLayout): Map<string, { offset: number; size: number }> {
  const out = new Map<string, { offset: number; size: number }>();
  for (const name of cost.reads) {
    if (name.endsWith('.*')) {
      const prefix = name.slice(0, -1);
      const matches = layout.slices.filter((s) => s.name.startsWith(prefix));
      if (matches.length === 0) throw new Error(`${costLabel(cost)}: reads '${name}' but no feature starts with '${prefix}'; known features: ${layout.names.join(', ')}`);
      const first = matches[0]!;
      const last = matches.at(-1)!;
      if (last.offset + last.size - first.offset !== matches.reduce((n, s) => n + s.size, 0)) {
        throw new Error(`${costLabel(cost)}: features matching '${name}' are not contiguous`);
      }
      out.set(name, { offset: first.offset, size: last.offset + last.size - first.offset });
    } else {
      if (!layout.has(name)) throw new Error(`${costLabel(cost)}: reads unknown feature '${name}'; known features: ${layout.names.join(', ')}`);
      out.set(name, layout.slice(name));
    }
  }
  return out;
}

/** Checks a set of costs against a layout: known features and unique names. */
export function validateCosts(costs: readonly IntrinsicCost[], layout: FeatureLayout): void {
  const seen = new Set<string>();
  for (const cost of costs) {
    if (seen.has(cost.name)) throw new Error(`${costLabel(cost)} is loaded twice; cost names must be unique`);
    seen.add(cost.name);
    resolveReads(cost, layout);
  }
}

/** Checks one evaluation's result: shape [B] and finite values; throws naming the cost and the problem. */
export function checkCostValue(cost: IntrinsicCost, value: unknown, batch: number): void {
  const label = costLabel(cost);
  if (!(value instanceof tf.Tensor)) throw new Error(`${label} returned ${value === null ? 'null' : typeof value}; it must return a tf.Tensor of shape [${batch}] (one value per batch row)`);
  if (value.rank !== 1 || value.shape[0] !== batch) {
    const hint = value.rank === 2 && value.shape[0] === batch ? '; reduce each row to one value, e.g. tf.sum(x, 1)' : '';
    throw new Error(`${label} returned shape [${value.shape.join(', ')}]; expected [${batch}] (one value per batch row)${hint}`);
  }
  const data = value.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (Number.isNaN(data[i])) throw new Error(`${label} returned NaN at batch row ${i}; costs must be finite (guard divisions and square roots, e.g. tf.sqrt(tf.add(x, 1e-6)))`);
    if (!Number.isFinite(data[i]!)) throw new Error(`${label} returned ${data[i]} at batch row ${i}; costs must be finite`);
  }
}
