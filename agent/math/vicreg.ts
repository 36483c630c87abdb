// VICReg's variance and covariance terms (Bardes, Ponce & LeCun 2022); the covariance gradient is hand-written with plain 2-D matMuls.
import * as tf from '@tensorflow/tfjs';

/**
 * Variance hinge: mean over dimensions of relu(γ − std_j), std over the batch.
 * @param h [N, d] @returns scalar
 */
export function varianceLoss(h: tf.Tensor2D, gamma = 1, eps = 1e-4): tf.Scalar {
  const n = h.shape[0];
  const centred = tf.sub(h, tf.mean(h, 0));
  const variance = tf.div(tf.sum(tf.square(centred), 0), n - 1);
  return tf.mean(tf.relu(tf.sub(gamma, tf.sqrt(tf.add(variance, eps)))));
}

/**
 * Off-diagonal covariance penalty of already-centred rows: (1/d)·Σ_{i≠j} C_ij², C = XᵀX/(N−1).
 * Gradient: dX = 4·X·offdiag(C) / (d·(N−1)), a plain matMul.
 * @param centred [N, d] @returns scalar
 */
export const centredCovarianceLoss = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const [n, d] = x.shape;
  const c = tf.div(tf.matMul(tf.transpose(x), x), n - 1);
  const offDiagonal = tf.sub(c, tf.mul(c, tf.eye(d)));
  save([x, offDiagonal]);
  return {
    value: tf.div(tf.sum(tf.square(offDiagonal)), d),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, off] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.mul(tf.matMul(xs, off), tf.mul(dy as tf.Tensor, 4 / (d * (n - 1))))];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (centred: tf.Tensor2D) => tf.Scalar;

/** Covariance penalty of raw rows. @param h [N, d] @returns scalar */
export function covarianceLoss(h: tf.Tensor2D): tf.Scalar {
  return centredCovarianceLoss(tf.sub(h, tf.mean(h, 0)));
}
