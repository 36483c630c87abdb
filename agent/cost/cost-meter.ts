// Measures each loaded intrinsic cost per tick for any policy (agents report theirs; baselines are evaluated).
import type { FeatureLayout } from '../../world/features.ts';
import type { EpisodePolicy, PolicyFactory } from '../../world/episodes.ts';
import type { CostModule } from './cost-module.ts';

export interface CostMeter {
  policy: PolicyFactory;
  /** Cost name → mean value per tick and per body over everything run so far. */
  means(): Record<string, number>;
  /** Milliseconds the wrapped policy took to act, per tick (cost evaluation excluded). */
  decisionMs: number[];
}

/**
 * Wraps a policy so every tick's intrinsic costs are measured on each body's observation and action.
 * @param reported when given, returns the costs the policy already computed for body i (in `costs.names` order)
 */
export function meterCosts(
  inner: PolicyFactory,
  costs: CostModule,
  layout: FeatureLayout,
  reported?: (body: number) => Float32Array | null,
): CostMeter {
  const sums = new Float64Array(costs.names.length);
  let count = 0;
  const decisionMs: number[] = [];
  const policy: PolicyFactory = (ctx) => {
    const p = inner(ctx);
    let last: Float32Array | null = null;
    const wrapped: EpisodePolicy = {
      act: (observations, state) => {
        const started = performance.now();
        const actions = p.act(observations, state);
        decisionMs.push(performance.now() - started);
        actions.forEach((a, i) => {
          const values = reported?.(i) ?? costs.evaluate(observations[i]!, a, layout);
          values.forEach((v, j) => {
            sums[j] = sums[j]! + v;
          });
          if (i === 0) last = values;
          count++;
        });
        return actions;
      },
      extras: () => {
        const extras = p.extras?.() ?? {};
        if (extras.costs || !last) return extras;
        return { ...extras, costs: Object.fromEntries(costs.names.map((n, j) => [n, last![j]!])) };
      },
      ...(p.end ? { end: () => p.end!() } : {}),
    };
    return wrapped;
  };
  return {
    policy,
    decisionMs,
    means: () => Object.fromEntries(costs.names.map((n, j) => [n, count > 0 ? sums[j]! / count : 0])),
  };
}
