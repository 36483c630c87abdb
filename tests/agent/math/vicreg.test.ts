// VICReg terms: values on known inputs and the hand-written covariance gradient against autodiff.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { covarianceLoss, varianceLoss } from '../../../agent/math/vicreg.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('VICReg terms', () => {
  it('penalise collapsed and correlated embeddings, not spread and decorrelated ones', () => {
    tf.tidy(() => {
      const collapsed = tf.zeros([64, 8]) as tf.Tensor2D;
      expect(varianceLoss(collapsed).dataSync()[0]).toBeCloseTo(1 - Math.sqrt(1e-4), 4);
      const spread = tf.randomNormal([4096, 8], 0, 2, 'float32', 1) as tf.Tensor2D;
      expect(varianceLoss(spread).dataSync()[0]).toBe(0);
      expect(covarianceLoss(spread).dataSync()[0]).toBeLessThan(0.05);
      const t = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
      const correlated = tf.concat([t, t], 1) as tf.Tensor2D;
      expect(covarianceLoss(correlated).dataSync()[0]).toBeCloseTo((2 * 1) / 2, 0);
    });
  });

  it('has the covariance gradient autodiff computes', () => {
    tf.tidy(() => {
      const h = tf.randomNormal([50, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
      const ours = tf.grad((x: tf.Tensor) => covarianceLoss(x as tf.Tensor2D))(h);
      const autodiff = tf.grad((x: tf.Tensor) => {
        const c = tf.sub(x, tf.mean(x, 0));
        const cov = tf.div(tf.matMul(c, c, true, false), 49);
        const off = tf.sub(cov, tf.mul(cov, tf.eye(6)));
        return tf.div(tf.sum(tf.square(off)), 6);
      })(h);
      expect(tf.max(tf.abs(tf.sub(ours, autodiff))).dataSync()[0]).toBeLessThan(5e-6);
    });
  });
});
