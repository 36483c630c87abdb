// Mode-2's receding-horizon controller (MPC): each tick, optimise an action sequence through the world model, warm-started, and act its first action.
import * as tf from '@tensorflow/tfjs';
import { type CostModule, type Critic, impossibleProgress } from '../cost/index.ts';
import type { AgentSettings } from '../ports.ts';
import type { WorldModel } from '../world-model/index.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { Planner } from './actor.ts';
import { evaluateCosts, shiftPlan, type PlanFunction, type PlanningProblem } from './planners/index.ts';
import type { GoalCriticUse } from './planner-factory.ts';
import type { PlanningConfig } from './planning.ts';
import type { Policy } from './policy.ts';

/** The automatic mode plans when the policy's predicted cost exceeds the shifted plan's by more than this fraction. */
const AUTO_MARGIN = 0.05;

/** What the controller needs of the planning settings (the horizon comes with each tick's settings). */
export type RecedingHorizonOptions = Pick<PlanningConfig, 'candidates' | 'iterations' | 'warmIterations' | 'timeBudgetMs' | 'discount' | 'elites' | 'subgoalWeight'> & {
  /** The optimiser. */
  plan: PlanFunction;
  /** The learned time to the goal as a cost, or null. */
  goalCritic?: GoalCriticUse | null;
  seed: number;
};

/**
 * Mode-2: minimise Σ γ^t C(ŝ_t, a_t) + C(ŝ_H) + v·TC(ŝ_H) over action sequences, costs read through the probe heads;
 * the goal critic's time to the goal is part of C at every step, or of the terminal cost only.
 */
export class RecedingHorizonPlanner implements Planner {
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
    readonly model: WorldModel,
    readonly cost: CostModule,
    readonly critic: Critic | null,
    readonly policy: Policy,
    readonly options: RecedingHorizonOptions,
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
    return tf.tidy(() => this.model.rollout(s0, (s) => this.policy.net.infer(s), H).actions.dataSync() as Float32Array);
  }

  /**
   * The planning problem from s under the current settings; with a level-2 subgoal, every stage also pays
   * `subgoalWeight`·mean((Enc2(ŝ) − subgoal)²). The caller disposes it.
   * The model enters through its planning view (the whole rollout as one op with its own backward pass, the probe
   * heads and Enc2 as one op each); only the intrinsic costs (plug-ins) run on the tape. The terminal cost C(ŝ_H) is
   * the stage cost at rest, priced in the same call as the stages.
   */
  private problem(s: Float32Array, settings: AgentSettings, subgoal?: Float32Array): { problem: PlanningProblem; dispose(): void } {
    const { model, cost, critic } = this;
    const layout = model.probeLayout;
    const s0 = tf.tensor2d(s, [1, s.length]);
    const view = model.planningView(subgoal !== undefined);
    const target = subgoal ? tf.tensor2d(subgoal, [1, subgoal.length]) : null;
    const goal = this.options.goalCritic && this.options.goalCritic.weight > 0 ? this.options.goalCritic : null;
    const stage = (x: tf.Tensor2D, a: tf.Tensor2D, _t: number, steps?: number): tf.Tensor1D => {
      const features = view.probe.apply(x);
      let c = cost.intrinsic(features, a, layout, settings.weights);
      if (goal && (goal.at === 'every-step' || (goal.infeasibleWeight > 0 && steps !== undefined))) {
        const d = goal.critic.distance(features, layout);
        if (goal.at === 'every-step') c = tf.add(c, tf.mul(d, goal.weight));
        if (goal.infeasibleWeight > 0 && steps !== undefined) c = tf.add(c, tf.mul(impossibleProgress(d, steps, goal.maxProgress), goal.weight * goal.infeasibleWeight));
      }
      if (!view.encode2 || !target) return c;
      return tf.add(c, tf.mul(tf.mean(tf.square(tf.sub(view.encode2.apply(x), target)), 1), this.options.subgoalWeight));
    };
    const terms: ((x: tf.Tensor2D) => tf.Tensor1D)[] = [];
    if (critic && settings.criticWeight > 0) terms.push((x) => tf.mul(critic.predict(x), settings.criticWeight));
    if (goal?.at === 'end') terms.push((x) => tf.mul(goal.critic.distance(view.probe.apply(x), layout), goal.weight));
    const problem: PlanningProblem = {
      s0,
      horizon: settings.horizon,
      actionSize: model.actionSize,
      unroll: (a) => view.unroll(s0, a),
      cost: stage,
      timeInvariantCost: true,
      terminalStageCost: true,
      ...(terms.length > 0 ? { terminal: (x: tf.Tensor2D) => terms.map((t) => t(x)).reduce((sum, t) => tf.add(sum, t)) } : {}),
      discount: this.options.discount,
    };
    return {
      problem,
      dispose: () => {
        s0.dispose();
        view.dispose();
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
      const result = this.options.plan(problem, {
        candidates: this.options.candidates,
        iterations: previous ? this.options.warmIterations : this.options.iterations,
        timeBudgetMs: this.options.timeBudgetMs,
        ...(this.options.elites !== undefined ? { elites: this.options.elites } : {}),
        init,
        seed: deriveSeed(deriveSeed(this.options.seed, 'planner', this.episodeSeed), 'decision', this.decisions++),
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
