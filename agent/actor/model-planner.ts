// Mode-2 through the world model: plans in representation space with a chosen planner, warm-started receding-horizon.
import * as tf from '@tensorflow/tfjs';
import type { CostModule } from '../cost/cost-module.ts';
import type { Critic } from '../cost/critic.ts';
import type { AgentSettings } from '../ports.ts';
import type { HJepa } from '../world-model/h-jepa.ts';
import type { Planner } from './actor.ts';
import { mlpHead, residualMlpStep } from './planners/mlp-step.ts';
import { evaluateCosts, planCEM, planGradient, planMPPI, shiftPlan, type PlanFunction, type PlanningProblem } from './planners/index.ts';
import type { Policy } from './policy.ts';

export const PLANNERS = ['gd', 'gd-hier', 'cem', 'mppi'] as const;
export type PlannerName = (typeof PLANNERS)[number];
/** The flat optimisers; 'gd-hier' is flat GD under a level-2 planner. */
export type FlatPlannerName = Exclude<PlannerName, 'gd-hier'>;

/** The automatic mode plans when the policy's predicted cost exceeds the shifted plan's by more than this fraction. */
const AUTO_MARGIN = 0.05;

const PLAN_FUNCTIONS: Record<FlatPlannerName, PlanFunction> = { gd: planGradient, cem: planCEM, mppi: planMPPI };

export interface ModelPlannerOptions {
  method: FlatPlannerName;
  candidates: number;
  iterations: number;
  /** Iterations when warm-started from the previous plan (receding horizon): it is already nearly optimal. */
  warmIterations?: number;
  timeBudgetMs: number;
  discount: number;
  seed: number;
  /** Weight of the level-2 subgoal distance in hierarchical planning. */
  subgoalWeight?: number;
}

/** Mode-2: minimise Σ γ^t C(ŝ_t, a_t) + C(ŝ_H) + v·TC(ŝ_H) over action sequences, costs read through the probe heads. */
export class ModelPlanner implements Planner {
  private previous: Float32Array | null = null;
  /** True when `previous` was already shifted to this tick (by the automatic mode's test). */
  private shiftedToNow = false;
  private decisions = 0;
  private episodeSeed = 0;
  /** Model evaluations and iterations of the latest decision. */
  lastStats = { modelEvals: 0, iterations: 0, cost: 0 };
  /** Totals over every decision so far. */
  readonly totals = { decisions: 0, modelEvals: 0 };

  constructor(
    readonly model: HJepa,
    readonly cost: CostModule,
    readonly critic: Critic | null,
    readonly policy: Policy,
    readonly options: ModelPlannerOptions,
  ) {}

  /**
   * Forgets the previous plan (a new episode, or a new task). With an episode seed, the planner's random draws restart
   * from it, so an episode plans the same whether it runs alone or after others.
   */
  reset(episodeSeed?: number): void {
    this.previous = null;
    this.shiftedToNow = false;
    if (episodeSeed !== undefined) {
      this.episodeSeed = episodeSeed;
      this.decisions = 0;
    }
  }

  /** The policy's own plan: Mode-1 rolled out through the model. @returns [H*A] */
  private policyRollout(s0: tf.Tensor2D, H: number): Float32Array {
    return tf.tidy(() => {
      let s = s0;
      const actions: tf.Tensor2D[] = [];
      for (let t = 0; t < H; t++) {
        const a = this.policy.net.infer(s);
        actions.push(a);
        s = this.model.nextInfer(s, a);
      }
      return tf.concat(actions, 1).dataSync() as Float32Array;
    });
  }

  /**
   * The planning problem from s under the current settings; with a level-2 subgoal, every stage also pays
   * `subgoalWeight`·mean((Enc2(ŝ) − subgoal)²). The caller disposes it.
   * The model's networks enter as snapshots of their weights with hand-written backward passes: the predictor as one
   * rollout (`unroll`), the probe heads and Enc2 as one op each; only the intrinsic costs (plug-ins) run on the tape.
   * The terminal cost C(ŝ_H) is the stage cost at rest, priced in the same call as the stages.
   */
  private problem(s: Float32Array, settings: AgentSettings, subgoal?: Float32Array): { problem: PlanningProblem; dispose(): void } {
    const A = this.model.actionSize;
    const { model, cost, critic } = this;
    const layout = model.probeLayout;
    const s0 = tf.tensor2d(s, [1, s.length]);
    const step = residualMlpStep(model.predictor, model.latent, A);
    const probe = mlpHead(model.probeNet);
    const encode2 = subgoal ? mlpHead(model.encoder2) : null;
    const target = subgoal ? tf.tensor2d(subgoal, [1, subgoal.length]) : null;
    const stage = (x: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor1D => {
      const intrinsic = cost.intrinsic(probe.apply(x), a, layout, settings.weights);
      if (!encode2 || !target) return intrinsic;
      return tf.add(intrinsic, tf.mul(tf.mean(tf.square(tf.sub(encode2.apply(x), target)), 1), this.options.subgoalWeight ?? 1));
    };
    const problem: PlanningProblem = {
      s0,
      horizon: settings.horizon,
      actionSize: A,
      next: step.next,
      nextInfer: step.nextInfer,
      unroll: (a) => step.unrollFrom(s0, a),
      cost: stage,
      timeInvariantCost: true,
      terminalStageCost: true,
      ...(critic && settings.criticWeight > 0 ? { terminal: (x: tf.Tensor2D) => tf.mul(critic.predict(x), settings.criticWeight) as tf.Tensor1D } : {}),
      discount: this.options.discount,
    };
    return {
      problem,
      dispose: () => {
        s0.dispose();
        step.dispose();
        probe.dispose();
        encode2?.dispose();
        target?.dispose();
      },
    };
  }

  /**
   * The automatic mode's test: plan when the policy's rollout is predicted to cost more than the previous plan,
   * shifted to now (or when there is no plan yet this episode).
   */
  prefersPlanning(s: Float32Array, settings: AgentSettings): boolean {
    const H = settings.horizon;
    const A = this.model.actionSize;
    if (!this.previous || this.previous.length !== H * A) return true;
    const { problem, dispose } = this.problem(s, settings);
    try {
      const sequences = new Float32Array(2 * H * A);
      sequences.set(this.policyRollout(problem.s0, H));
      this.previous = shiftPlan(this.previous, H, A);
      this.shiftedToNow = true;
      sequences.set(this.previous, H * A);
      const [policyCost, planCost] = evaluateCosts(problem, sequences, 2);
      return policyCost! > planCost! + AUTO_MARGIN * Math.abs(planCost!);
    } finally {
      dispose();
    }
  }

  /** @param subgoal [latent2] a level-2 state the plan should pass near (hierarchical planning) */
  plan(s: Float32Array, settings: AgentSettings, subgoal?: Float32Array): { action: Float32Array } {
    const H = settings.horizon;
    const A = this.model.actionSize;
    const { problem, dispose } = this.problem(s, settings, subgoal);
    const s0 = problem.s0;
    try {
      // Step 1. Warm start: the previous plan shifted by one tick, else the policy's rollout.
      const previous = this.previous && this.previous.length === H * A ? this.previous : null;
      const init = previous ? (this.shiftedToNow ? previous : shiftPlan(previous, H, A)) : this.policyRollout(s0, H);
      this.shiftedToNow = false;
      // Step 2. Optimise; the planner stops at the iteration count or the time budget, whichever comes first.
      const result = PLAN_FUNCTIONS[this.options.method](problem, {
        candidates: this.options.candidates,
        iterations: previous ? (this.options.warmIterations ?? this.options.iterations) : this.options.iterations,
        timeBudgetMs: this.options.timeBudgetMs,
        init,
        seed: (this.options.seed * 1_000_003 + this.episodeSeed * 7919 + this.decisions++) >>> 0,
      });
      this.previous = result.actions;
      this.lastStats = { modelEvals: result.modelEvals, iterations: result.iterations, cost: result.cost };
      this.totals.decisions++;
      this.totals.modelEvals += result.modelEvals;
      return { action: result.actions.slice(0, A) };
    } finally {
      dispose();
    }
  }
}
