// The push sim's contact cost: the pusher's path around the T to the contact whose push best shrinks the pose error.
import * as tf from '@tensorflow/tfjs';
import { tBlockGeometry } from '../../world/t-block.ts';
import { defineIntrinsicCost } from './intrinsic.ts';

/** The push sim's T (bar length) and pusher radius in pixels; a test checks them against sims/push.ts. */
export const PUSH_T_SIZE = 60;
export const PUSHER_RADIUS = 10;
/** Pixels per unit of the push sim's position features (block.dx, target.dx, …). */
const FEATURE_SCALE = 200;
/** Pixels of position error that weigh like one radian of angle error: push's success tolerances, 20 px over π/9. */
const PX_PER_RADIAN = 20 / (Math.PI / 9);
/** Angle from the contact (radians) beyond which the path keeps to the safe circle instead of closing in. */
const APPROACH_ANGLE = 0.5;
/** Extra path length (feature units) charged for a contact whose push makes no progress, relative to the best one. */
const REGRET_LENGTH = 1;

const geometry = tBlockGeometry(PUSH_T_SIZE, PUSHER_RADIUS);
const SAFE_RADIUS = geometry.safeRadius / FEATURE_SCALE;
/** Per contact, in the block's frame: pusher place (feature units), force direction, and angle progress per unit of angle error. */
const CONTACT_TABLE = {
  pusherX: geometry.contacts.map((c) => c.pusher.x / FEATURE_SCALE),
  pusherY: geometry.contacts.map((c) => c.pusher.y / FEATURE_SCALE),
  forceX: geometry.contacts.map((c) => c.force.x),
  forceY: geometry.contacts.map((c) => c.force.y),
  // The scripted push controller's angle term: error (π·dangle rad) × px/rad² × torque arm / gyration², in feature units.
  turn: geometry.contacts.map((c) => (Math.PI * PX_PER_RADIAN ** 2 * (c.point.x * c.force.y - c.point.y * c.force.x)) / geometry.gyration2 / FEATURE_SCALE),
};

/**
 * Scores every contact of the T by the progress a push there makes (error along its force, plus the torque it gives
 * times the angle error), charges each its path length from the pusher (radially to the safe circle, around it, then
 * in) plus its shortfall from the best score, and returns the cheapest: in feature units (200 px).
 * A contact near the pusher wins over a slightly better one across the block, so the choice does not flip on near-ties.
 */
export const pusherToContact = defineIntrinsicCost({
  name: 'pusher-to-contact',
  description: 'Path length from the pusher around the T to a contact whose push brings the block to its target pose (200 px units).',
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
      const progress = tf.add(
        tf.add(tf.mul(column('target.dx'), rotateX(forceX, forceY)), tf.mul(column('target.dy'), rotateY(forceX, forceY))),
        tf.mul(column('target.dangle'), tf.tensor1d(CONTACT_TABLE.turn)),
      );
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
