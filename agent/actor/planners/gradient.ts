// Mode-2 by gradient descent: Adam on a batch of pre-tanh action sequences through the unrolled model, best candidate kept.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../world/rng.ts';
import { BestPlan, checkPlanInputs, deadline, evaluateCosts, rolloutCost, startPlan, type PlanningProblem, type PlanOptions, type PlanResult } from './problem.ts';

export const GRADIENT_DEFAULTS = {
  /** Adam step on u; Adam normalises the gradient, so this is roughly how far u moves per iteration. */
  learningRate: 0.3,
  /** Std of the Gaussian added to u for candidates 1..B-1 (around the warm start, or around u = 0). */
  noise: 1,
} as const;

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
/** Warm starts are clipped to ±this before atanh, so saturated actions start where their gradient is not zero. */
const INIT_LIMIT = 0.96;

/**
 * Minimises Σ_t γ^t cost(ŝ_t, a_t) + γ^H terminal(ŝ_H) over B candidate sequences a = tanh(u) by Adam on u [B, H*A].
 * Candidate 0 starts at the warm start (or at a = 0), the others around it. The exact warm start is scored too, so
 * the result is never worse than it.
 */
export function planGradient(problem: PlanningProblem, options: PlanOptions): PlanResult {
  checkPlanInputs('planGradient', problem, options);
  const { horizon: H, actionSize: A } = problem;
  const { candidates: B, iterations: maxIterations } = options;
  const start = startPlan(problem, options.init);
  const learningRate = options.learningRate ?? GRADIENT_DEFAULTS.learningRate;
  const noise = options.noise ?? GRADIENT_DEFAULTS.noise;
  const width = H * A;
  const timer = deadline(options.timeBudgetMs);
  const rng = new Rng(options.seed);

  // Step 1. Initial parameters: row 0 at the warm start, the others perturbed around it.
  const u0 = new Float32Array(B * width);
  for (let i = 0; i < width; i++) u0[i] = Math.atanh(Math.min(INIT_LIMIT, Math.max(-INIT_LIMIT, start[i]!)));
  for (let r = 1; r < B; r++) for (let i = 0; i < width; i++) u0[r * width + i] = u0[i]! + noise * rng.normal();
  let u = tf.tensor2d(u0, [B, width]);
  let m: tf.Tensor2D = tf.zerosLike(u);
  let v: tf.Tensor2D = tf.zerosLike(u);

  const best = new BestPlan(start);
  const costOf = (a: tf.Tensor): tf.Tensor1D => rolloutCost(problem, a as tf.Tensor2D);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    // Bias-corrected Adam folded into the step size: lr·√(1−β2^t)/(1−β1^t), ε scaled to match.
    const correction = Math.sqrt(1 - BETA2 ** iterations) / (1 - BETA1 ** iterations);
    const [costs, actions, uNext, mNext, vNext] = tf.tidy(() => {
      // Step 2. Forward and backward through the rollout: per-row costs and ∂(Σ costs)/∂a.
      const a = tf.tanh(u);
      const { value, grads } = tf.valueAndGrads(costOf)([a]);
      // Step 3. Chain through tanh, then one Adam step on u.
      const g = tf.mul(grads[0]!, tf.sub(1, tf.square(a)));
      const mN = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
      const vN = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      const step = tf.div(tf.mul(mN, learningRate * correction), tf.add(tf.sqrt(vN), EPSILON * Math.sqrt(1 - BETA2 ** iterations)));
      return [value, a, tf.sub(u, step), mN, vN];
    });
    // Step 4. Keep the best candidate of the parameters just scored.
    best.offer(costs.dataSync() as Float32Array, actions.dataSync() as Float32Array);
    tf.dispose([costs, actions, u, m, v]);
    [u, m, v] = [uNext as tf.Tensor2D, mNext as tf.Tensor2D, vNext as tf.Tensor2D];
    if (timer.passed()) break;
  }

  // Step 5. Score the parameters of the last step, and the exact warm start, forward only.
  const last = u.dataSync() as Float32Array;
  tf.dispose([u, m, v]);
  const rows = options.init ? B + 1 : B;
  const final = new Float32Array(rows * width);
  for (let i = 0; i < B * width; i++) final[i] = Math.tanh(last[i]!);
  if (options.init) final.set(start, B * width);
  best.offer(evaluateCosts(problem, final, rows), final);

  return { actions: best.actions, cost: best.cost, iterations, modelEvals: (iterations * B + rows) * H };
}
