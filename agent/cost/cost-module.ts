// The cost module: C(s) = Σ u_i·IC_i(s) + Σ v_j·TC_j(s), every term batched, differentiable and reported separately.
import * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';
import { checkCostValue, costLabel, resolveReads, validateCosts, type FeatureTensors, type IntrinsicCost } from './intrinsic.ts';

type Binding = Map<string, { offset: number; size: number }>;

export class CostModule {
  readonly names: readonly string[];
  private readonly bindings = new Map<FeatureLayout, Binding[]>();
  private readonly checked = new Set<string>();

  /** @param layout the observation layout the costs are first bound to (unknown features are refused here) */
  constructor(
    readonly costs: readonly IntrinsicCost[],
    layout: FeatureLayout,
  ) {
    validateCosts(costs, layout);
    this.names = costs.map((c) => c.name);
    this.bind(layout);
  }

  private bind(layout: FeatureLayout): Binding[] {
    let b = this.bindings.get(layout);
    if (!b) {
      b = this.costs.map((c) => resolveReads(c, layout));
      this.bindings.set(layout, b);
    }
    return b;
  }

  /**
   * Each intrinsic cost on a batch, unweighted, in `names` order.
   * @param x [B, layout.size] features laid out by `layout` (observations, or probe outputs of predicted states)
   * @param a [B, 2] actions
   * @returns one [B] tensor per cost
   */
  terms(x: tf.Tensor2D, a: tf.Tensor2D, layout: FeatureLayout): tf.Tensor1D[] {
    const batch = x.shape[0];
    return this.bind(layout).map((binding, i) => {
      const cost = this.costs[i]!;
      const f: FeatureTensors = {};
      for (const [name, { offset, size }] of binding) {
        const slice = tf.slice(x, [0, offset], [batch, size]);
        f[name] = size === 1 && !name.endsWith('.*') ? tf.reshape(slice, [batch]) : slice;
      }
      const value = evaluateCost(cost, f, a);
      const key = `${cost.name}@${layout.names.join(',')}`;
      if (!this.checked.has(key)) {
        checkCostValue(cost, value, batch);
        this.checked.add(key);
      }
      return value as tf.Tensor1D;
    });
  }

  /**
   * The weighted intrinsic cost Σ u_i·IC_i.
   * @param weights cost name → u_i (missing names weigh 0) @returns [B]
   */
  intrinsic(x: tf.Tensor2D, a: tf.Tensor2D, layout: FeatureLayout, weights: Readonly<Record<string, number>>): tf.Tensor1D {
    const terms = this.terms(x, a, layout);
    let total: tf.Tensor1D = tf.zeros([x.shape[0]]);
    terms.forEach((t, i) => {
      const u = weights[this.names[i]!] ?? 0;
      if (u !== 0) total = tf.add(total, tf.mul(t, u));
    });
    return total;
  }

  /** Every cost's value for one observation and action; non-finite values are refused. @returns [costs] */
  evaluate(observation: Float32Array, action: Float32Array, layout: FeatureLayout): Float32Array {
    const values = tf.tidy(() => {
      const terms = this.terms(tf.tensor2d(observation, [1, observation.length]), tf.tensor2d(action, [1, action.length]), layout);
      return terms.length > 0 ? (tf.concat(terms).dataSync() as Float32Array) : new Float32Array(0);
    });
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`${costLabel(this.costs[i]!)} returned ${v}; costs must be finite`);
    });
    return values;
  }

  /**
   * Every cost's value for many observations and actions in one batch (each row as `evaluate` gives it); non-finite
   * values are refused. @param observations [rows, layout.size] @param actions [rows, 2] @returns [rows, costs]
   */
  evaluateRows(observations: Float32Array, actions: Float32Array, rows: number, layout: FeatureLayout): Float32Array {
    const k = this.names.length;
    if (rows === 0 || k === 0) return new Float32Array(rows * k);
    const values = tf.tidy(() => {
      const terms = this.terms(tf.tensor2d(observations, [rows, observations.length / rows]), tf.tensor2d(actions, [rows, actions.length / rows]), layout);
      return tf.stack(terms, 1).dataSync() as Float32Array;
    });
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new Error(`intrinsic cost '${this.names[i % k]}' returned ${values[i]}; costs must be finite`);
    }
    return values;
  }

  /** What one tick paid: each cost's value (unweighted, `names` order), by name, and the weighted total. */
  report(observation: Float32Array, action: Float32Array, layout: FeatureLayout, weights: Readonly<Record<string, number>>): { values: Float32Array; terms: Record<string, number>; total: number } {
    const values = this.evaluate(observation, action, layout);
    const terms = Object.fromEntries(this.names.map((n, i) => [n, values[i]!]));
    return { values, terms, total: this.weighted(values, weights) };
  }

  /** Σ u_i·values_i for plain values in `names` order. */
  weighted(values: Float32Array, weights: Readonly<Record<string, number>>): number {
    let total = 0;
    values.forEach((v, i) => {
      total += (weights[this.names[i]!] ?? 0) * v;
    });
    return total;
  }
}

/**
 * Calls a cost on its declared features only: reading an undeclared feature, or throwing, fails with a message that
 * names the cost (and its plug-in file) and what would be right.
 */
function evaluateCost(cost: IntrinsicCost, f: FeatureTensors, a: tf.Tensor2D): tf.Tensor {
  const declared = new Proxy(f, {
    get(target, key) {
      if (typeof key === 'string' && !(key in target)) {
        throw new Error(`${costLabel(cost)} reads feature '${key}' but does not declare it: add '${key}' to its reads (it declares ${cost.reads.length > 0 ? cost.reads.map((r) => `'${r}'`).join(', ') : 'none'})`);
      }
      return Reflect.get(target, key);
    },
  });
  try {
    return cost.cost({ f: declared, a });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    if (message.startsWith(costLabel(cost))) throw e;
    throw new Error(`${costLabel(cost)} threw while evaluating: ${message}`, { cause: e });
  }
}
