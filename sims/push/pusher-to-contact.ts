// Push's contact cost: the pusher's path around the T to the contact whose push best shrinks the pose error.
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from '../../agent/cost/index.ts';
import { POSITION_SCALE, T_BLOCK, contactProgress } from './task.ts';

/** Angle from the contact (radians) beyond which the path keeps to the safe circle instead of closing in. */
const APPROACH_ANGLE = 0.5;
/** Extra path length (feature units) charged for a contact whose push makes no progress, relative to the best one. */
const REGRET_LENGTH = 1;

const SAFE_RADIUS = T_BLOCK.safeRadius / POSITION_SCALE;
/** Per contact, in the block's frame: pusher place (feature units) and force direction. */
const CONTACT_TABLE = {
  pusherX: T_BLOCK.contacts.map((c) => c.pusher.x / POSITION_SCALE),
  pusherY: T_BLOCK.contacts.map((c) => c.pusher.y / POSITION_SCALE),
  forceX: T_BLOCK.contacts.map((c) => c.force.x),
  forceY: T_BLOCK.contacts.map((c) => c.force.y),
};

/**
 * Scores every contact of the T by the progress a push there makes (contactProgress: error along its force, plus the
 * turn it gives times the angle error), charges each its path length from the pusher (radially to the safe circle,
 * around it, then in) plus its shortfall from the best score, and returns the cheapest: in feature units (POSITION_SCALE px).
 * A contact near the pusher wins over a slightly better one across the block, so the choice does not flip on near-ties.
 */
export const pusherToContact = defineIntrinsicCost({
  name: 'pusher-to-contact',
  description: `Path length from the pusher around the T to a contact whose push brings the block to its target pose (${POSITION_SCALE} px units).`,
  reads: ['block.dx', 'block.dy', 'block.cos', 'block.sin', 'target.dx', 'target.dy', 'target.dangle'],
  cost: ({ f }) =>
    tf.tidy(() => {
      const column = (name: string): tf.Tensor => tf.reshape(f[name]!, [-1, 1]);
      // Predicted cos and sin need not lie on the unit circle: rotate by their direction only.
      const length = tf.sqrt(tf.add(tf.add(tf.square(column('block.cos')), tf.square(column('block.sin'))), 1e-8));
      const cos = tf.div(column('block.cos'), length);
      const sin = tf.div(column('block.sin'), length);
      const rotateX = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sub(tf.mul(cos, x), tf.mul(sin, y));
      const rotateY = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.add(tf.mul(sin, x), tf.mul(cos, y));
      const pusherX = tf.tensor1d(CONTACT_TABLE.pusherX);
      const pusherY = tf.tensor1d(CONTACT_TABLE.pusherY);
      const forceX = tf.tensor1d(CONTACT_TABLE.forceX);
      const forceY = tf.tensor1d(CONTACT_TABLE.forceY);
      // Step 1. Progress of a push at each contact [B, K], and its shortfall relative to the best contact.
      const progress = contactProgress(column('target.dx'), column('target.dy'), column('target.dangle'), rotateX(forceX, forceY), rotateY(forceX, forceY));
      const best = tf.max(progress, 1, true);
      const regret = tf.div(tf.sub(best, progress), tf.add(tf.abs(best), 1e-4));
      // Step 2. Path from the pusher to each contact place, both seen from the block's centre.
      const spotX = rotateX(pusherX, pusherY);
      const spotY = rotateY(pusherX, pusherY);
      const fromX = tf.neg(column('block.dx'));
      const fromY = tf.neg(column('block.dy'));
      const pusherRange = tf.sqrt(tf.add(tf.add(tf.square(fromX), tf.square(fromY)), 1e-8));
      const spotRange = tf.sqrt(tf.add(tf.add(tf.square(spotX), tf.square(spotY)), 1e-8));
      const cross = tf.sub(tf.mul(fromX, spotY), tf.mul(fromY, spotX));
      // The offset keeps the gradient finite where a predicted pusher sits on the block's centre (the angle is undefined there).
      const dot = tf.add(tf.add(tf.mul(fromX, spotX), tf.mul(fromY, spotY)), 1e-6);
      const aroundAngle = tf.abs(tf.atan2(cross, dot));
      const wantedRange = tf.add(spotRange, tf.mul(tf.sub(SAFE_RADIUS, spotRange), tf.minimum(1, tf.div(aroundAngle, APPROACH_ANGLE))));
      const path = tf.add(tf.abs(tf.sub(pusherRange, wantedRange)), tf.mul(aroundAngle, SAFE_RADIUS));
      return tf.min(tf.add(path, tf.mul(regret, REGRET_LENGTH)), 1);
    }),
});
