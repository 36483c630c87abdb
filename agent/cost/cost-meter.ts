// Measures each loaded intrinsic cost per tick for any policy (agents report theirs; baselines are evaluated in batches).
import type { FeatureLayout } from '../../world/features.ts';
import type { EpisodePolicy, PolicyFactory } from '../../world/episodes.ts';
import type { CostModule } from './cost-module.ts';

export interface CostMeter {
  policy: PolicyFactory;
  /** Adds one body's tick to an episode's sums (a batched policy reports its own costs here). @param values [costs] */
  add(episode: number, values: ArrayLike<number>): void;
  /**
   * Cost name → mean value per tick and per body over everything run so far. Sums are kept per episode and added in
   * episode order, so the means do not depend on how episodes were interleaved (vectorised runs).
   */
  means(): Record<string, number>;
  /** Milliseconds the wrapped policy took to act, per tick (cost evaluation excluded). */
  decisionMs: number[];
}

/** Rows a baseline's ticks wait for before their costs are evaluated in one batch. */
const BATCH_ROWS = 1024;

/**
 * Wraps a policy so every tick's intrinsic costs are measured on each body's observation and action.
 * @param reported when given, returns the costs the policy already computed for body i (in `costs.names` order);
 * otherwise ticks are buffered and evaluated in batches (at the episode's end, every 1024 rows, or when extras are read)
 */
export function meterCosts(
  inner: PolicyFactory,
  costs: CostModule,
  layout: FeatureLayout,
  reported?: (body: number) => Float32Array | null,
): CostMeter {
  const k = costs.names.length;
  const episodes = new Map<number, { sums: Float64Array; count: number }>();
  const decisionMs: number[] = [];
  const add = (episode: number, values: ArrayLike<number>): void => {
    let e = episodes.get(episode);
    if (!e) episodes.set(episode, (e = { sums: new Float64Array(k), count: 0 }));
    for (let j = 0; j < k; j++) e.sums[j] = e.sums[j]! + values[j]!;
    e.count++;
  };
  const policy: PolicyFactory = (ctx) => {
    const p = inner(ctx);
    let last: Float32Array | null = null;
    const size = layout.size;
    let pendingObservations = new Float32Array(0);
    let pendingActions = new Float32Array(0);
    let pending = 0;
    const bodies = ctx.env.agentCount;
    /** Evaluates the pending rows in one batch; they end with the latest tick's bodies, whose body 0 becomes `last`. */
    const flush = (): void => {
      if (pending === 0) return;
      const values = costs.evaluateRows(pendingObservations.subarray(0, pending * size), pendingActions.subarray(0, pending * 2), pending, layout);
      for (let r = 0; r < pending; r++) add(ctx.episode, values.subarray(r * k, (r + 1) * k));
      last = values.slice((pending - bodies) * k, (pending - bodies + 1) * k);
      pending = 0;
    };
    const buffer = (observation: Float32Array, action: Float32Array): void => {
      if ((pending + 1) * size > pendingObservations.length) {
        const rows = Math.max(16, 2 * pending);
        const o = new Float32Array(rows * size);
        o.set(pendingObservations.subarray(0, pending * size));
        const a = new Float32Array(rows * 2);
        a.set(pendingActions.subarray(0, pending * 2));
        pendingObservations = o;
        pendingActions = a;
      }
      pendingObservations.set(observation, pending * size);
      pendingActions.set(action, pending * 2);
      pending++;
    };
    const wrapped: EpisodePolicy = {
      act: (observations, state) => {
        const started = performance.now();
        const actions = p.act(observations, state);
        decisionMs.push(performance.now() - started);
        actions.forEach((a, i) => {
          const values = reported?.(i);
          if (values) {
            add(ctx.episode, values);
            if (i === 0) last = values;
          } else buffer(observations[i]!, a);
        });
        if (pending > 0) last = null;
        if (pending >= BATCH_ROWS) flush();
        return actions;
      },
      extras: () => {
        const extras = p.extras?.() ?? {};
        if (extras.costs) return extras;
        if (!last) flush();
        if (!last) return extras;
        return { ...extras, costs: Object.fromEntries(costs.names.map((n, j) => [n, last![j]!])) };
      },
      end: () => {
        flush();
        p.end?.();
      },
    };
    return wrapped;
  };
  return {
    policy,
    add,
    decisionMs,
    means: () => {
      const total = new Float64Array(k);
      let count = 0;
      for (const episode of [...episodes.keys()].sort((a, b) => a - b)) {
        const e = episodes.get(episode)!;
        for (let j = 0; j < k; j++) total[j] = total[j]! + e.sums[j]!;
        count += e.count;
      }
      return Object.fromEntries(costs.names.map((n, j) => [n, count > 0 ? total[j]! / count : 0]));
    },
  };
}
