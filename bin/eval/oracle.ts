// The oracle baseline: CEM planning with the true simulator (a copy of the world restored to the real state), the upper bound.
import * as tf from '@tensorflow/tfjs';
import { shiftPlan } from '../../agent/actor/planners/index.ts';
import type { CostModule } from '../../agent/cost/cost-module.ts';
import { ACTION_SIZE as A, Env } from '../../world/env.ts';
import type { PolicyFactory } from '../../world/episodes.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';

export interface OracleOptions {
  horizon: number;
  candidates: number;
  iterations: number;
  elites: number;
  discount: number;
}

export const ORACLE_DEFAULTS: Readonly<OracleOptions> = Object.freeze({ horizon: 16, candidates: 32, iterations: 3, elites: 4, discount: 0.98 });

/** Simulator steps of the latest decision, for the evaluation's model-evaluations column. */
export interface OracleStats {
  decisions: number;
  simulatorSteps: number;
}

/**
 * Body 0 plans by CEM over action sequences scored with the agent's own intrinsic costs on observations from the real
 * simulator; other bodies stay still.
 */
export function oraclePolicy(costs: CostModule, weights: Readonly<Record<string, number>>, stats: OracleStats, options: OracleOptions = ORACLE_DEFAULTS): PolicyFactory {
  const { horizon: H, candidates: B, iterations, elites, discount } = options;
  return ({ env, seed }) => {
    const model = new Env(env.sim);
    model.reset({ seed });
    const layout = env.observationLayout;
    const rng = new Rng(deriveSeed(seed, 'oracle'));
    let mean: Float32Array = new Float32Array(H * A);
    const idle = Array.from({ length: env.agentCount - 1 }, () => new Float32Array(A));
    return {
      act: (_observations, state) => {
        let std = 0.6;
        let best: { cost: number; actions: Float32Array } = { cost: Infinity, actions: mean };
        for (let it = 0; it < iterations; it++) {
          // Step 1. Sample around the mean (the mean itself is candidate 0) and roll each candidate out in the simulator.
          const plans = Array.from({ length: B }, (_, b) => Float32Array.from(mean, (m) => (b === 0 ? m : Math.max(-1, Math.min(1, m + std * rng.normal())))));
          const rows = new Float32Array(B * H * layout.size);
          const acts = new Float32Array(B * H * A);
          plans.forEach((plan, b) => {
            model.restore(state);
            let last: Float32Array = new Float32Array(layout.size);
            let ended = false;
            for (let t = 0; t < H; t++) {
              const a = plan.subarray(A * t, A * t + A);
              // After the episode ends in the copy, its last observation stands for the rest of the horizon.
              if (!ended) {
                const r = model.step([a, ...idle]);
                last = r.observations[0]!;
                ended = r.terminated || r.truncated;
              }
              rows.set(last, (b * H + t) * layout.size);
              acts.set(a, (b * H + t) * A);
            }
          });
          stats.simulatorSteps += B * H;
          // Step 2. Price every step with the intrinsic costs in one batch; discounted sum per candidate.
          const perStep = tf.tidy(() => costs.intrinsic(tf.tensor2d(rows, [B * H, layout.size]), tf.tensor2d(acts, [B * H, A]), layout, weights).dataSync());
          const totals = plans.map((_, b) => {
            let sum = 0;
            for (let t = 0; t < H; t++) sum += discount ** t * perStep[b * H + t]!;
            return sum;
          });
          // Step 3. Refit the mean to the elites; keep the best plan seen.
          const order = totals.map((c, b) => [c, b] as const).sort((p, q) => p[0] - q[0]);
          if (order[0]![0] < best.cost) best = { cost: order[0]![0], actions: plans[order[0]![1]]! };
          const top = order.slice(0, elites).map(([, b]) => plans[b]!);
          mean = Float32Array.from(mean, (_, i) => top.reduce((s, p) => s + p[i]!, 0) / top.length);
          std *= 0.6;
        }
        stats.decisions++;
        const action = best.actions.slice(0, A);
        mean = shiftPlan(best.actions, H, A);
        return [action, ...idle];
      },
    };
  };
}
