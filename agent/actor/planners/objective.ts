// The objective every planner minimises (the planning problem), how action sequences are priced, and shared planner helpers.
import * as tf from '@tensorflow/tfjs';
import type { Unrolled } from '../../world-model/index.ts';

export type { Unrolled };

/** What a planner optimises: a model, a cost and a horizon, injected so tests can pass toy dynamics. */
export interface PlanningProblem {
  /** s0 [1, D] current representation (or state of toy dynamics). */
  s0: tf.Tensor2D;
  /** H, the number of actions in a plan. */
  horizon: number;
  /** A, the size of one action. */
  actionSize: number;
  /**
   * One model step for a batch, differentiable; needed unless the problem has `unroll`.
   * @param s [B, D] @param a [B, A] in [-1, 1] @returns s' [B, D]
   */
  next?(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional forward-only step with the same values as `next` (e.g. fused inference kernels), used wherever no
   * gradient is needed (CEM, MPPI, GD's final scoring). @param s [B, D] @param a [B, A] @returns [B, D]
   */
  nextInfer?(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional: the whole unroll from s0 in one call, with the values of H calls of `next`, and its own backward pass
   * (e.g. fused forward kernels and a hand-written backward through time). Planners then use it instead of `next`
   * and `nextInfer`: `costsAndGradient` takes the gradient of the cost by autodiff with respect to the states and
   * hands it to `backward`. Not differentiable by tf autodiff itself. Needs `timeInvariantCost`. @param actions [B, H*A]
   */
  unroll?(actions: tf.Tensor2D): Unrolled;
  /**
   * Stage cost of taking a in s at step t. Differentiable. @param s [B, D] @param a [B, A] @returns [B]
   * @param steps with `timeInvariantCost`: how many steps the rows stack (time-major, step 0 first), so a cost may
   * compare each state with the one before it in its own sequence
   */
  cost(s: tf.Tensor2D, a: tf.Tensor2D, t: number, steps?: number): tf.Tensor1D;
  /**
   * Declares that `cost` ignores t: the planner then prices all H steps in one call on [H*B] rows (rows t·B…t·B+B−1
   * are step t, t passed as 0, `steps` given), which launches H times fewer cost kernels.
   */
  timeInvariantCost?: boolean;
  /** Optional terminal cost on ŝ_H (e.g. the critic), discounted by γ^H. @param s [B, D] @returns [B] */
  terminal?(s: tf.Tensor2D): tf.Tensor1D;
  /**
   * Declares that the terminal cost also includes the stage cost at rest, cost(ŝ_H, 0) (γ^H-discounted, added to
   * `terminal` if there is one). With `timeInvariantCost` it is priced in the same call as the stages, on H+1 steps.
   */
  terminalStageCost?: boolean;
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
 * Total discounted cost of a batch of action sequences through the model unrolled by `step`; differentiable in `a`.
 * The planner adds no per-candidate work: H model steps, one or H cost calls, one reduction.
 * @param a [B, H*A] @param step the model step to unroll (`next` for gradients, `nextInfer` for scoring)
 * @returns [B]
 */
export function rolloutCost(problem: PlanningProblem, a: tf.Tensor2D, step: PlanningProblem['next'] = problem.next): tf.Tensor1D {
  const { horizon: H, s0 } = problem;
  if (!step) throw new Error('rolloutCost: the problem has neither `next` nor `unroll`');
  const batch = a.shape[0];
  const actions = H > 1 ? (tf.split(a, H, 1) as tf.Tensor2D[]) : [a];
  const states: tf.Tensor2D[] = [s0.shape[0] === batch ? s0 : tf.tile(s0, [batch, 1])];
  for (let t = 0; t < H; t++) states.push(step(states[t]!, actions[t]!));
  return stagedCost(problem, states, a);
}

/**
 * The discounted cost of given rollouts; differentiable in the states and the actions.
 * @param states the H+1 states [B, D] @param a [B, H*A] @returns [B]
 */
function stagedCost(problem: PlanningProblem, states: tf.Tensor2D[], a: tf.Tensor2D): tf.Tensor1D {
  const { horizon: H, actionSize: A } = problem;
  const gamma = problem.discount ?? 1;
  const batch = a.shape[0];
  const atRest = problem.terminalStageCost === true;
  // Steps whose stage cost is priced: 0 … H−1, and H (at rest, a = 0) when the terminal cost includes it.
  const priced = atRest ? H + 1 : H;
  let total: tf.Tensor1D;
  if (problem.timeInvariantCost) {
    // One cost call on the priced steps stacked (the actions time-major too, zero at rest), weighted by γ^t.
    const rows = tf.concat(states.slice(0, priced), 0);
    let actions = tf.reshape(tf.transpose(tf.reshape(a, [batch, H, A]), [1, 0, 2]), [H * batch, A]) as tf.Tensor2D;
    if (atRest) actions = tf.concat([actions, tf.zeros([batch, A])], 0);
    const costs = tf.reshape(problem.cost(rows, actions, 0, priced), [priced, batch]) as tf.Tensor2D;
    const weights = tf.tensor2d(Float32Array.from({ length: priced }, (_, t) => gamma ** t), [1, priced]);
    total = tf.reshape(tf.matMul(weights, costs), [batch]);
  } else {
    // One cost call per step.
    // (A copy of split's list: the tape keeps that array as the op's outputs.)
    const actions = H > 1 ? [...(tf.split(a, H, 1) as tf.Tensor2D[])] : [a];
    if (atRest) actions.push(tf.zeros([batch, A]));
    const terms = actions.map((at, t): tf.Tensor1D => (gamma === 1 ? problem.cost(states[t]!, at, t) : tf.mul(problem.cost(states[t]!, at, t), gamma ** t)));
    total = terms.length === 1 ? terms[0]! : tf.addN(terms);
  }
  // Terminal cost γ^H·terminal(ŝ_H).
  if (!problem.terminal) return total;
  const terminal = problem.terminal(states[H]!);
  return tf.add(total, gamma === 1 ? terminal : tf.mul(terminal, gamma ** H));
}

/**
 * Forward-only total costs of `rows` action sequences (the shared scorer of CEM, MPPI and GD's best-tracking):
 * through `unroll` when the problem has it, else through `nextInfer` (or `next`).
 * @param actions [rows * H*A] row-major sequences in [-1, 1] @returns [rows] costs
 */
export function evaluateCosts(problem: PlanningProblem, actions: Float32Array, rows: number): Float32Array {
  const width = problem.horizon * problem.actionSize;
  let costs!: Float32Array;
  tf.tidy(() => {
    const a = tf.tensor2d(actions, [rows, width]);
    if (problem.unroll) {
      const pricing = pricingOf(problem, actions, rows);
      costs = pricing.totals(pricing.price(problem.unroll(a).states).dataSync());
    } else {
      costs = rolloutCost(problem, a, problem.nextInfer ?? problem.next).dataSync() as Float32Array;
    }
  });
  return costs;
}

/**
 * Per-row total costs of `rows` action sequences and the gradient of their sum with respect to the actions: by
 * autodiff through `rolloutCost`, or, when the problem has `unroll`, by autodiff through the cost only, with the
 * states' gradient carried back through the rollout by its own `backward`.
 * @param actions [rows * H*A] @returns costs [rows] and gradient [rows * H*A]
 */
export function costsAndGradient(problem: PlanningProblem, actions: Float32Array, rows: number): { costs: Float32Array; gradient: Float32Array } {
  const { horizon: H, actionSize: A } = problem;
  const width = H * A;
  let costs!: Float32Array;
  let gradient!: Float32Array;
  tf.tidy(() => {
    const a = tf.tensor2d(actions, [rows, width]);
    if (!problem.unroll) {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => rolloutCost(problem, x as tf.Tensor2D))([a]);
      costs = value.dataSync() as Float32Array;
      gradient = grads[0]!.dataSync() as Float32Array;
      return;
    }
    // Step 1. The rollout, then the costs of its rows with their gradient by autodiff, seeded with each row's weight
    // (γ^t), so no reduction runs on the tape. The engine's gradients (what tf.variableGrads uses) allow a cost that
    // ignores the states or the actions: their gradient is then null.
    const rollout = problem.unroll(a);
    const pricing = pricingOf(problem, actions, rows);
    const { value, grads } = tf.engine().gradients(() => pricing.price(rollout.states), [rollout.states, pricing.actions], pricing.weights, true);
    costs = pricing.totals(value.dataSync());
    // Step 2. ∂/∂a: through the model (the rollout's backward) plus directly (the time-major action rows).
    const [dStates, dActions] = grads as (tf.Tensor2D | null)[];
    gradient = dStates ? (rollout.backward(dStates).dataSync() as Float32Array) : new Float32Array(rows * width);
    if (dActions) {
      const direct = dActions.dataSync();
      for (let t = 0; t < H; t++) for (let r = 0; r < rows; r++) for (let j = 0; j < A; j++) gradient[r * width + t * A + j]! += direct[(t * rows + r) * A + j]!;
    }
  });
  return { costs, gradient };
}

/**
 * How the stacked rows of an unrolled batch are priced: one cost call on the priced steps (actions time-major, zero
 * at rest) plus the terminal cost, each row weighted by its discount; the weighted sum per candidate runs in numbers.
 * Call it inside a tidy (it makes tensors).
 */
function pricingOf(problem: PlanningProblem, actions: Float32Array, rows: number) {
  const { horizon: H, actionSize: A } = problem;
  const gamma = problem.discount ?? 1;
  const priced = problem.terminalStageCost ? H + 1 : H;
  const timeMajor = new Float32Array(priced * rows * A);
  for (let t = 0; t < H; t++) for (let r = 0; r < rows; r++) timeMajor.set(actions.subarray(r * H * A + t * A, r * H * A + t * A + A), (t * rows + r) * A);
  // Row weights: γ^t for the stages, γ^H for the terminal rows.
  const terms = problem.terminal ? priced + 1 : priced;
  const weights = new Float32Array(terms * rows);
  for (let t = 0; t < terms; t++) weights.fill(gamma ** Math.min(t, H), t * rows, (t + 1) * rows);
  const actionRows = tf.tensor2d(timeMajor, [priced * rows, A]);
  return {
    actions: actionRows,
    weights: tf.tensor1d(weights),
    /** @param states [(H+1)*rows, D] @returns [terms * rows] each row's cost, time-major */
    price: (states: tf.Tensor2D): tf.Tensor1D => {
      if (!problem.timeInvariantCost) throw new Error('unroll needs a time-invariant cost (timeInvariantCost: true)');
      const D = states.shape[1];
      const stages = problem.cost(priced === H + 1 ? states : tf.slice(states, [0, 0], [priced * rows, D]), actionRows, 0, priced);
      return problem.terminal ? tf.concat([stages, problem.terminal(tf.slice(states, [H * rows, 0], [rows, D]))]) : stages;
    },
    /** @param values [terms * rows] from `price` @returns [rows] Σ weight · value per candidate */
    totals: (values: ArrayLike<number>): Float32Array => {
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let t = 0; t < terms; t++) sum += weights[t * rows + r]! * values[t * rows + r]!;
        out[r] = sum;
      }
      return out;
    },
  };
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
  if (problem.unroll && !problem.timeInvariantCost) fail('a problem with unroll prices its stacked rows in one cost call: set timeInvariantCost');
  if (!problem.unroll && !problem.next) fail('the problem needs a model: `next` or `unroll`');
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
