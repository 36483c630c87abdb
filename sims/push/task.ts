// Push's task in numbers (arena, T, pusher, success tolerances, feature scale) and the contact scoring its scripted controller and its cost share.
import * as tf from '@tensorflow/tfjs';
import { positionScale } from '../../world/features.ts';
import type { Pose, WorldState } from '../../world/sim.ts';
import { POINT_AGENT } from '../bodies.ts';
import { wrapAngle } from '../steering.ts';
import { rotate, tBlockGeometry, torqueArm } from './t-block.ts';

/** Side of the square arena in pixels. */
export const SIZE = 400;
export const ARENA = Object.freeze({ width: SIZE, height: SIZE });
export const MAX_STEPS = 500;
/** Bar length of the T in pixels; bar and stem are a quarter of that thick. */
export const T_SIZE = 60;
export const PUSHER_RADIUS = POINT_AGENT.radius;
/** Success: the block within this many pixels of its target position … */
export const PUSH_RADIUS = 20;
/** … and this many radians of its target angle. */
export const PUSH_ANGLE = Math.PI / 9;
/** Pixels of position error that weigh like one radian of angle error: the success tolerances' ratio. */
export const PX_PER_RADIAN = PUSH_RADIUS / PUSH_ANGLE;
/** Pixels per unit of push's position features (block.dx, target.dx, …): the env's position scale, so they share agent.x's unit. */
export const POSITION_SCALE = positionScale(ARENA);

export const T_BLOCK = tBlockGeometry(T_SIZE, PUSHER_RADIUS);

export const blockOf = (state: WorldState): Pose => state.blocks[0]!;
export const targetOf = (state: WorldState): Pose => state.scene.targets[0]!;

/**
 * How fast a push at each of the T's contacts (frictionless, so along the face normal) would shrink the block's pose
 * error: the position error along the push plus the angle error times the turn the push gives, an angle error weighing
 * PX_PER_RADIAN pixels per radian. One score per contact, larger is better.
 */
export function contactScores(block: Pose, target: Pose): number[] {
  const ex = target.x - block.x;
  const ey = target.y - block.y;
  const ea = wrapAngle(target.angle - block.angle) * PX_PER_RADIAN * PX_PER_RADIAN;
  return T_BLOCK.contacts.map((c) => {
    const f = rotate(c.force, block.angle);
    return ex * f.x + ey * f.y + (ea * torqueArm(c)) / T_BLOCK.gyration2;
  });
}

/** contactScores' angle term per unit of target.dangle (π radians), over POSITION_SCALE: the turn of each contact's push in feature units. */
const TURN = T_BLOCK.contacts.map((c) => (Math.PI * PX_PER_RADIAN ** 2 * torqueArm(c)) / T_BLOCK.gyration2 / POSITION_SCALE);

/**
 * contactScores on a batch of features, in feature units (the scores over POSITION_SCALE).
 * @param dx target.dx, dy target.dy, dangle target.dangle as [B, 1]
 * @param forceX, forceY each contact's force direction in the world frame [B, K]
 * @returns [B, K]
 */
export function contactProgress(dx: tf.Tensor, dy: tf.Tensor, dangle: tf.Tensor, forceX: tf.Tensor, forceY: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.add(tf.mul(dx, forceX), tf.mul(dy, forceY)), tf.mul(dangle, tf.tensor1d(TURN))));
}
