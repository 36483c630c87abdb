// The world-model seam: what an H-JEPA world model offers the rest of the agent (implemented by the world-model issue).
import type * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';

export interface WorldModel {
  /** Size of the level-1 representation s. */
  readonly latent: number;
  /** Size of the latent variable z (0 when the model has none). */
  readonly latentVariable: number;
  /**
   * Predicts the next level-1 state.
   * @param s [B, latent] @param a [B, 2] @param z [B, latentVariable] or undefined for z = 0 @returns ŝ [B, latent]
   */
  next(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D;
  /** The features decoded by the probe heads, in `probe`'s column order. */
  readonly probeLayout: FeatureLayout;
  /** Decodes named state features from s. @param s [B, latent] @returns [B, probeLayout.size] */
  probe(s: tf.Tensor2D): tf.Tensor2D;
  /** Level 2: coarse state s2 = Enc2(s). @param s [B, latent] @returns [B, latent2] */
  encode2?(s: tf.Tensor2D): tf.Tensor2D;
  /** Level 2: predicts s2 k steps ahead under a macro-action u. @param s2 [B, latent2] @param u [B, U] @returns [B, latent2] */
  next2?(s2: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D;
}
