// Hierarchical Mode-2 (H-JEPA): plan coarse macro-actions with the level-2 model over a long horizon; the first coarse
// step's predicted state becomes the subgoal the level-1 planner must reach.
import * as tf from '@tensorflow/tfjs';
import type { CostModule } from '../cost/index.ts';
import type { AgentSettings } from '../ports.ts';
import type { WorldModel } from '../world-model/index.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { Planner } from './actor.ts';
import { shiftPlan, type PlanFunction, type PlanningProblem } from './planners/index.ts';
import type { PlanningConfig } from './planning.ts';
import type { RecedingHorizonPlanner } from './receding-horizon.ts';

/** `coarseHorizon` is K, the coarse steps planned (each covers `model.level2.steps` ticks). */
export type HierarchicalOptions = Pick<PlanningConfig, 'coarseHorizon' | 'candidates' | 'iterations'> & {
  /** The optimiser of the coarse plan. */
  plan: PlanFunction;
  seed: number;
};

export class HierarchicalPlanner implements Planner {
  private coarsePlan: Float32Array | null = null;
  private subgoal: Float32Array | null = null;
  private ticksSinceReplan = 0;
  private decisions = 0;
  private coarseEvals = 0;

  constructor(
    readonly model: WorldModel,
    readonly cost: CostModule,
    readonly low: RecedingHorizonPlanner,
    readonly options: HierarchicalOptions,
  ) {}

  /** Level-1 decisions, and the model evaluations of both levels. */
  get totals(): { decisions: number; modelEvals: number } {
    return { decisions: this.low.totals.decisions, modelEvals: this.low.totals.modelEvals + this.coarseEvals };
  }

  /** The level-2 state the level-1 planner is reaching for (null before the first decision). */
  get currentSubgoal(): Float32Array | null {
    return this.subgoal;
  }

  reset(episodeSeed?: number): void {
    this.coarsePlan = null;
    this.subgoal = null;
    this.ticksSinceReplan = 0;
    this.low.reset(episodeSeed);
  }

  /** High level: optimise K macro-actions u (k actions each) through next2, priced by the intrinsic costs on probe2. */
  private replan(s: Float32Array, settings: AgentSettings): void {
    const { model, cost } = this;
    const k = model.level2.steps;
    const A = model.actionSize;
    const K = this.options.coarseHorizon;
    const s2 = tf.tidy(() => model.encode2(tf.tensor2d(s, [1, s.length])));
    try {
      const problem: PlanningProblem = {
        s0: s2 as tf.Tensor2D,
        horizon: K,
        actionSize: k * A,
        next: (x, u) => model.next2(x, u),
        // A macro-action is priced like its mean action, at the coarse state it starts from.
        cost: (x, u) => cost.intrinsic(model.probe2(x), tf.mean(tf.reshape(u, [u.shape[0], k, A]), 1) as tf.Tensor2D, model.probeLayout, settings.weights),
        terminal: (x) => cost.intrinsic(model.probe2(x), tf.zeros([x.shape[0], A]) as tf.Tensor2D, model.probeLayout, settings.weights),
        timeInvariantCost: true,
      };
      const result = this.options.plan(problem, {
        candidates: this.options.candidates,
        iterations: this.options.iterations,
        init: this.coarsePlan ? shiftPlan(this.coarsePlan, K, k * A) : undefined,
        seed: deriveSeed(deriveSeed(this.options.seed, 'subgoal-planner'), 'decision', this.decisions++),
      });
      this.coarsePlan = result.actions;
      this.coarseEvals += result.modelEvals;
      this.subgoal = tf.tidy(() => model.next2(s2 as tf.Tensor2D, tf.tensor2d(result.actions.subarray(0, k * A), [1, k * A])).dataSync() as Float32Array);
    } finally {
      s2.dispose();
    }
  }

  plan(s: Float32Array, settings: AgentSettings): { action: Float32Array } {
    // Step 1. Every k ticks (one coarse step), replan the coarse path and move the subgoal along it.
    if (!this.subgoal || this.ticksSinceReplan >= this.model.level2.steps) {
      this.replan(s, settings);
      this.ticksSinceReplan = 0;
    }
    this.ticksSinceReplan++;
    // Step 2. The level-1 planner reaches for the subgoal while paying the intrinsic costs.
    return this.low.plan(s, settings, this.subgoal!);
  }
}
