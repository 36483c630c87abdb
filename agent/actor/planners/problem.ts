// The planning problem every planner solves, the batched rollout that prices action sequences, and shared planner helpers.
import * as tf from '@tensorflow/tfjs';

/** What a planner optimises: a model, a cost and a horizon, injected so tests can pass toy dynamics. */
export interface PlanningProblem {
  /** s0 [1, D] current representation (or state of toy dynamics). */
  s0: tf.Tensor2D;
  /** H, the number of actions in a plan. */
  horizon: number;
  /** A, the size of one action. */
  actionSize: number;
  /** One model step for a batch. Differentiable. @param s [B, D] @param a [B, A] in [-1, 1] @returns s' [B, D] */
  next(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional forward-only step with the same values as `next` (e.g. fused inference kernels), used wherever no
   * gradient is needed (CEM, MPPI, GD's final scoring). @param s [B, D] @param a [B, A] @returns [B, D]
   */
  nextInfer?(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /** Stage cost of taking a in s at step t. Differentiable. @param s [B, D] @param a [B, A] @returns [B] */
  cost(s: tf.Tensor2D, a: tf.Tensor2D, t: number): tf.Tensor1D;
  /**
   * Declares that `cost` ignores t: the planner then prices all H steps in one call on [H*B] rows (rows t·B…t·B+B−1
   * are step t, t passed as 0), which launches H times fewer cost kernels.
   */
  timeInvariantCost?: boolean;
  /** Optional terminal cost on ŝ_H (e.g. the critic), discounted by γ^H. @param s [B, D] @returns [B] */
  terminal?(s: tf.Tensor2D): tf.Tensor1D;
  /** γ, default 1. */
  discount?: number;
}

export interface PlanOptions {
  /** B, candidates optimised (or sampled) together; the best one seen is kept. */
  candidates: number;
  /** Maximum number of iterations. */
  iterations: number;
  /** Wall-clock budget; the planner stops after the iteration that crosses it (at least one iteration runs). */
  timeBudgetMs?: number;
  /** Warm start [H*A] in [-1, 1] (e.g. the shifted previous plan or a policy rollout); candidate 0 starts here. */
  init?: Float32Array;
  /** Seed of the planner's own Rng; same problem + same options ⇒ same result (without a time budget). */
  seed: number;
  /** GD: Adam step size on the pre-tanh parameters. */
  learningRate?: number;
  /** MPPI: softmax temperature of the weights exp(−cost/temperature). */
  temperature?: number;
  /** CEM: number of elite samples the Gaussian is refitted to. */
  elites?: number;
  /** Std of the perturbations: GD on the pre-tanh parameters, CEM the initial std, MPPI the sampling std. */
  noise?: number;
}

export interface PlanResult {
  /** Best sequence found [H*A], every value in [-1, 1]. */
  actions: Float32Array;
  /** Its total cost Σ_t γ^t cost(ŝ_t, a_t) + γ^H terminal(ŝ_H). */
  cost: number;
  /** Iterations actually run. */
  iterations: number;
  /** Forward `next` evaluations: batch rows × steps over every rollout (GD's backward passes are not counted). */
  modelEvals: number;
}

/** A planner: a pure function of the problem and the options. */
export type PlanFunction = (problem: PlanningProblem, options: PlanOptions) => PlanResult;

/**
 * Total discounted cost of a batch of action sequences through the unrolled model; differentiable in `a`.
 * The planner adds no per-candidate work: one split, H model steps, one or H cost calls, one reduction.
 * @param a [B, H*A] @param step the model step to unroll (`next` for gradients, `nextInfer` for scoring)
 * @returns [B]
 */
export function rolloutCost(problem: PlanningProblem, a: tf.Tensor2D, step: PlanningProblem['next'] = problem.next): tf.Tensor1D {
  const { horizon: H, actionSize: A, s0 } = problem;
  const gamma = problem.discount ?? 1;
  const batch = a.shape[0];
  const actions = H > 1 ? (tf.split(a, H, 1) as tf.Tensor2D[]) : [a];
  // Step 1. Unroll the model: ŝ_0 = s0, ŝ_{t+1} = next(ŝ_t, a_t).
  const states: tf.Tensor2D[] = [s0.shape[0] === batch ? s0 : tf.tile(s0, [batch, 1])];
  for (let t = 0; t < H; t++) states.push(step(states[t]!, actions[t]!));
  // Step 2. Stage costs Σ_t γ^t cost(ŝ_t, a_t): one call on all steps stacked, or one per step.
  let total: tf.Tensor1D;
  if (problem.timeInvariantCost && H > 1) {
    const stacked = tf.reshape(tf.transpose(tf.reshape(a, [batch, H, A]), [1, 0, 2]), [H * batch, A]) as tf.Tensor2D;
    const costs = tf.reshape(problem.cost(tf.concat(states.slice(0, H), 0), stacked, 0), [H, batch]) as tf.Tensor2D;
    const weights = tf.tensor2d(Float32Array.from({ length: H }, (_, t) => gamma ** t), [1, H]);
    total = tf.reshape(tf.matMul(weights, costs), [batch]);
  } else {
    const terms = actions.map((at, t): tf.Tensor1D => (gamma === 1 ? problem.cost(states[t]!, at, t) : tf.mul(problem.cost(states[t]!, at, t), gamma ** t)));
    total = terms.length === 1 ? terms[0]! : tf.addN(terms);
  }
  // Step 3. Terminal cost γ^H·terminal(ŝ_H).
  if (!problem.terminal) return total;
  const terminal = problem.terminal(states[H]!);
  return tf.add(total, gamma === 1 ? terminal : tf.mul(terminal, gamma ** H));
}

/**
 * Forward-only total costs of `rows` action sequences (the shared scorer of CEM, MPPI and GD's best-tracking).
 * @param actions [rows * H*A] row-major sequences in [-1, 1] @returns [rows] costs
 */
export function evaluateCosts(problem: PlanningProblem, actions: Float32Array, rows: number): Float32Array {
  const width = problem.horizon * problem.actionSize;
  return tf.tidy(() => rolloutCost(problem, tf.tensor2d(actions, [rows, width]), problem.nextInfer ?? problem.next).dataSync() as Float32Array);
}

/**
 * Receding-horizon warm start: drop the first action, repeat the last.
 * @param actions [H*A] @returns [H*A]
 */
export function shiftPlan(actions: Float32Array, H: number, A: number): Float32Array {
  const out = new Float32Array(H * A);
  out.set(actions.subarray(A, H * A));
  out.set(actions.subarray((H - 1) * A, H * A), (H - 1) * A);
  return out;
}

/** Refuses inconsistent problems and options with a message naming the planner and the problem. */
export function checkPlanInputs(planner: string, problem: PlanningProblem, options: PlanOptions): void {
  const { horizon: H, actionSize: A, s0 } = problem;
  const fail = (why: string): never => {
    throw new Error(`${planner}: ${why}`);
  };
  if (!Number.isInteger(H) || H < 1) fail(`horizon must be a positive integer, got ${H}`);
  if (!Number.isInteger(A) || A < 1) fail(`actionSize must be a positive integer, got ${A}`);
  if (s0.rank !== 2 || s0.shape[0] !== 1) fail(`s0 must have shape [1, D], got [${s0.shape.join(', ')}]`);
  if (!Number.isInteger(options.candidates) || options.candidates < 1) fail(`candidates must be a positive integer, got ${options.candidates}`);
  if (!Number.isInteger(options.iterations) || options.iterations < 1) fail(`iterations must be a positive integer, got ${options.iterations}`);
  if (options.init && options.init.length !== H * A) fail(`init must hold H*A = ${H * A} values, got ${options.init.length}`);
}

/** A copy of the warm start clipped to [-1, 1], or zeros without one. @returns [H*A] */
export function startPlan(problem: PlanningProblem, init: Float32Array | undefined): Float32Array {
  const out = new Float32Array(problem.horizon * problem.actionSize);
  if (init) for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(-1, init[i]!));
  return out;
}

/** The cheapest sequence seen so far. */
export class BestPlan {
  cost = Infinity;
  readonly actions: Float32Array;

  /** @param start [H*A] the sequence reported if no finite cost is ever offered */
  constructor(start: Float32Array) {
    this.actions = start.slice();
  }

  /** Keeps the cheapest row of a scored batch. @param costs [rows] @param actions [rows * width] */
  offer(costs: Float32Array, actions: Float32Array): void {
    const width = this.actions.length;
    for (let i = 0; i < costs.length; i++) {
      if (costs[i]! < this.cost) {
        this.cost = costs[i]!;
        this.actions.set(actions.subarray(i * width, (i + 1) * width));
      }
    }
  }
}

/** A deadline from an optional budget; `passed()` is false forever without one. */
export function deadline(budgetMs: number | undefined): { passed(): boolean } {
  const end = budgetMs === undefined ? Infinity : performance.now() + budgetMs;
  return { passed: () => performance.now() >= end };
}
