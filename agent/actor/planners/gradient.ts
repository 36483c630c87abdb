// Mode-2 by gradient descent: Adam on a batch of pre-tanh action sequences through the unrolled model, best candidate kept.
import { Rng } from '../../../world/rng.ts';
import { BestPlan, checkPlanInputs, costsAndGradient, deadline, evaluateCosts, startPlan, type PlanningProblem, type PlanOptions, type PlanResult } from './objective.ts';

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
 * the result is never worse than it. Each iteration is one forward and backward pass through the rollout (tensors);
 * tanh and Adam run on the B·H·A numbers in plain arithmetic, which costs less than launching their kernels.
 */
export function planGradient(problem: PlanningProblem, options: PlanOptions): PlanResult {
  checkPlanInputs('planGradient', problem, options);
  const { horizon: H, actionSize: A } = problem;
  const { candidates: B, iterations: maxIterations } = options;
  const start = startPlan(problem, options.init);
  const learningRate = options.learningRate ?? GRADIENT_DEFAULTS.learningRate;
  const noise = options.noise ?? GRADIENT_DEFAULTS.noise;
  const width = H * A;
  const size = B * width;
  const timer = deadline(options.timeBudgetMs);
  const rng = new Rng(options.seed);

  // Step 1. Initial parameters: row 0 at the warm start, the others perturbed around it; Adam's moments at 0.
  const u = new Float64Array(size);
  for (let i = 0; i < width; i++) u[i] = Math.atanh(Math.min(INIT_LIMIT, Math.max(-INIT_LIMIT, start[i]!)));
  for (let r = 1; r < B; r++) for (let i = 0; i < width; i++) u[r * width + i] = u[i]! + noise * rng.normal();
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const actionsOf = (params: Float64Array): Float32Array => {
    const out = new Float32Array(params.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(params[i]!);
    return out;
  };

  const best = new BestPlan(start);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    // Step 2. Forward and backward through the rollout: per-row costs and ∂(Σ costs)/∂a.
    const actions = actionsOf(u);
    const { costs, gradient } = costsAndGradient(problem, actions, B);
    // Step 3. Keep the best candidate of the parameters just scored.
    best.offer(costs, actions);
    // Step 4. Chain through tanh, then one Adam step on u; bias correction folded into the step size, ε scaled to match.
    const step = (learningRate * Math.sqrt(1 - BETA2 ** iterations)) / (1 - BETA1 ** iterations);
    const epsilon = EPSILON * Math.sqrt(1 - BETA2 ** iterations);
    for (let i = 0; i < size; i++) {
      const a = actions[i]!;
      const g = gradient[i]! * (1 - a * a);
      m[i] = BETA1 * m[i]! + (1 - BETA1) * g;
      v[i] = BETA2 * v[i]! + (1 - BETA2) * g * g;
      u[i] = u[i]! - (step * m[i]!) / (Math.sqrt(v[i]!) + epsilon);
    }
    if (timer.passed()) break;
  }

  // Step 5. Score the parameters of the last step, and the exact warm start, forward only.
  const rows = options.init ? B + 1 : B;
  const final = new Float32Array(rows * width);
  final.set(actionsOf(u));
  if (options.init) final.set(start, B * width);
  best.offer(evaluateCosts(problem, final, rows), final);

  return { actions: best.actions, cost: best.cost, iterations, modelEvals: (iterations * B + rows) * H };
}

