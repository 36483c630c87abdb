// The world model as the rest of the agent sees it: the verbs the planners, the agent and the viewer use.
import type * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';

/** The states of a batch of rollouts and the way back from a gradient on them to one on the actions. */
export interface Unrolled {
  /** [(H+1)*B, D] ŝ_0 … ŝ_H, time-major: rows t·B … t·B+B−1 are step t. */
  states: tf.Tensor2D;
  /**
   * The vector-Jacobian product: ∂L/∂a through the rollout (the actions' path through the model only) from ∂L/∂states.
   * Call it inside the scope (tidy) that made the rollout. @param dStates [(H+1)*B, D] @returns [B, H*A]
   */
  backward(dStates: tf.Tensor2D): tf.Tensor2D;
}

/** A function of a batch for planners, differentiable in its input only (no weight gradients); it holds tensors. */
export interface PlanningHead {
  /** @param x [N, in] @returns [N, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/**
 * The model compiled for planning: a snapshot of its weights with fused forward kernels and hand-written backward
 * passes. Build it once per decision (after the model last trained) and dispose it.
 */
export interface PlanningView {
  /**
   * All H steps from s0 in one call, with its own backward pass through time.
   * @param s0 [1, D] @param actions [B, H*A] candidate-major (row b is a_0 … a_{H-1} of candidate b)
   */
  unroll(s0: tf.Tensor2D, actions: tf.Tensor2D): Unrolled;
  /** The probe heads. @param s [N, D] @returns [N, probeLayout.size] */
  probe: PlanningHead;
  /** Level 2's encoder s2 = Enc2(s), when the view was built with level 2. @param s [N, D] @returns [N, level2.latent] */
  encode2: PlanningHead | null;
  dispose(): void;
}

/** Actions for a rollout: a fixed batch of sequences [B, H*A], or a policy a = π(s) [B, A] applied at every step. */
export type RolloutActions = tf.Tensor2D | ((s: tf.Tensor2D) => tf.Tensor2D);

export interface WorldModel {
  /** Size of the level-1 representation s. */
  readonly latent: number;
  /** Size of the latent variable z (0 when the model has none). */
  readonly latentVariable: number;
  /** Size of one action. */
  readonly actionSize: number;
  /** The features decoded by the probe heads, in `probe`'s column order. */
  readonly probeLayout: FeatureLayout;
  /** Level 2: the size of s2 and the ticks one level-2 step covers. */
  readonly level2: { readonly latent: number; readonly steps: number };
  /** Predicts the next level-1 state. @param s [B, latent] @param a [B, A] @param z [B, latentVariable] (0 when omitted) @returns ŝ [B, latent] */
  next(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D;
  /** `next` at z = 0, forward only (no gradient). @param s [B, latent] @param a [B, A] @returns [B, latent] */
  nextInfer(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /** Decodes named state features from s. @param s [B, latent] @returns [B, probeLayout.size] */
  probe(s: tf.Tensor2D): tf.Tensor2D;
  /** Level 2: coarse state s2 = Enc2(s). @param s [B, latent] @returns [B, level2.latent] */
  encode2(s: tf.Tensor2D): tf.Tensor2D;
  /** Level 2: predicts s2 one coarse step ahead under a macro-action u. @param s2 [B, level2.latent] @param u [B, level2.steps*A] @returns [B, level2.latent] */
  next2(s2: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D;
  /** Level-2 probe heads. @param s2 [B, level2.latent] @returns [B, probeLayout.size] */
  probe2(s2: tf.Tensor2D): tf.Tensor2D;
  /**
   * Rolls the model forward H steps from s0 (forward only, z = 0).
   * @param s0 [B, latent] @returns states [H*B, latent] ŝ_1 … ŝ_H time-major, and the actions taken [B, H*A]
   */
  rollout(s0: tf.Tensor2D, actions: RolloutActions, H: number): { states: tf.Tensor2D; actions: tf.Tensor2D };
  /** The model compiled for planning (see PlanningView); the caller disposes it. @param withLevel2 also compile Enc2 */
  planningView(withLevel2?: boolean): PlanningView;
  /** Every trainable variable under a stable name, for checkpoints. */
  readonly named: [string, tf.Variable][];
  dispose(): void;
}
