// A world model with known dynamics for actor and planner tests: a point that moves 0.1·a per step toward or away from its goal.
import * as tf from '@tensorflow/tfjs';
import { FeatureLayout } from '../../../world/features.ts';
import type { PlanningView, RolloutActions, WorldModel } from '../../../agent/world-model/world-model.ts';

const SPEED = 0.1;
const D = 4;
const A = 2;

/** Δs = a·M: the agent moves by 0.1·a and the goal vector shrinks by as much. @returns M [A, D] */
const moveMatrix = (): tf.Tensor2D => tf.tensor2d([SPEED, 0, -SPEED, 0, 0, SPEED, 0, -SPEED], [A, D]);

/**
 * s = [agent.x, agent.y, goal.dx, goal.dy], s' = s + a·M; the probe heads read s as it is; level 2 is s itself, stepped
 * by the sum of a macro-action's `level2Steps` actions.
 */
export function stubWorldModel(level2Steps = 2): WorldModel {
  const next = (s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => tf.add(s, tf.matMul(a, moveMatrix())));
  const identity = { apply: (x: tf.Tensor2D) => tf.clone(x), dispose: () => {} };
  const model: WorldModel = {
    latent: D,
    latentVariable: 0,
    actionSize: A,
    probeLayout: new FeatureLayout(['agent.x', 'agent.y', 'goal.dx', 'goal.dy'].map((name) => ({ name, size: 1 }))),
    level2: { latent: D, steps: level2Steps },
    next,
    nextInfer: next,
    probe: (s) => tf.clone(s),
    encode2: (s) => tf.clone(s),
    next2: (s2, u) => tf.tidy(() => tf.add(s2, tf.matMul(tf.sum(tf.reshape(u, [u.shape[0], level2Steps, A]), 1) as tf.Tensor2D, moveMatrix()))),
    probe2: (s2) => tf.clone(s2),
    rollout(s0: tf.Tensor2D, actions: RolloutActions, H: number) {
      return tf.tidy(() => {
        const states: tf.Tensor2D[] = [];
        const taken: tf.Tensor2D[] = [];
        let s = s0;
        for (let t = 0; t < H; t++) {
          const a = typeof actions === 'function' ? actions(s) : (tf.slice(actions, [0, t * A], [-1, A]) as tf.Tensor2D);
          taken.push(a);
          s = next(s, a);
          states.push(s);
        }
        return { states: tf.concat(states, 0), actions: tf.concat(taken, 1) };
      });
    },
    planningView(withLevel2 = false): PlanningView {
      return {
        // ŝ_t = s0 + Σ_{k<t} a_k·M, so ∂L/∂a_k = Σ_{t>k} ∂L/∂ŝ_t · Mᵀ.
        unroll: (s0, actions) => {
          const B = actions.shape[0];
          const H = actions.shape[1] / A;
          const states = [tf.tile(s0, [B, 1]) as tf.Tensor2D];
          for (let t = 0; t < H; t++) states.push(next(states[t]!, tf.slice(actions, [0, t * A], [B, A])));
          return {
            states: tf.concat(states, 0),
            backward: (dStates) =>
              tf.tidy(() => {
                const perStep = tf.reshape(dStates, [H + 1, B, D]);
                const later = tf.reverse(tf.cumsum(tf.reverse(tf.slice(perStep, [1, 0, 0], [H, B, D]), [0]), 0), [0]);
                const da = tf.matMul(tf.reshape(later, [H * B, D]), moveMatrix(), false, true);
                return tf.reshape(tf.transpose(tf.reshape(da, [H, B, A]), [1, 0, 2]), [B, H * A]);
              }),
          };
        },
        probe: identity,
        encode2: withLevel2 ? identity : null,
        dispose: () => {},
      };
    },
    named: [],
    dispose: () => {},
  };
  return model;
}
