// The built-in intrinsic costs, loadable by name in every sim (a sim's own costs live with the sim).
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost, type IntrinsicCost } from './intrinsic.ts';

export const goalDistance = defineIntrinsicCost({
  name: 'goal-distance',
  description: 'Distance to the goal (half-arena units).',
  reads: ['goal.dx', 'goal.dy'],
  cost: ({ f }) => tf.sqrt(tf.add(tf.add(tf.square(f['goal.dx']!), tf.square(f['goal.dy']!)), 1e-6)),
});

export const energy = defineIntrinsicCost({
  name: 'energy',
  description: 'Squared magnitude of the action: effort spent.',
  reads: [],
  cost: ({ a }) => tf.sum(tf.square(a), 1),
});

/** Rays shorter than this fraction of their reach count as a collision risk. */
const SAFE_RANGE = 0.15;

export const collisionRisk = defineIntrinsicCost({
  name: 'collision-risk',
  description: `Nearness of the closest obstacle seen by the rangefinder, 0 beyond ${SAFE_RANGE} of its reach.`,
  reads: ['ray.*'],
  cost: ({ f }) => tf.square(tf.div(tf.relu(tf.sub(SAFE_RANGE, tf.min(f['ray.*']!, 1))), SAFE_RANGE)),
});

/** Half-extent of the allowed region, in half-arena units around the centre. */
const REGION = 0.85;

export const stayInRegion = defineIntrinsicCost({
  name: 'stay-in-region',
  description: `Distance outside the central region (|x|, |y| ≤ ${REGION} of the half arena).`,
  reads: ['agent.x', 'agent.y'],
  cost: ({ f }) => tf.add(tf.relu(tf.sub(tf.abs(f['agent.x']!), REGION)), tf.relu(tf.sub(tf.abs(f['agent.y']!), REGION))),
});

export const blockToTarget = defineIntrinsicCost({
  name: 'block-to-target',
  description: 'Distance of the block from its target pose: position (half-arena units) plus angle error (units of π).',
  reads: ['target.dx', 'target.dy', 'target.dangle'],
  cost: ({ f }) =>
    tf.add(tf.sqrt(tf.add(tf.add(tf.square(f['target.dx']!), tf.square(f['target.dy']!)), 1e-6)), tf.abs(f['target.dangle']!)),
});

export const pusherToBlock = defineIntrinsicCost({
  name: 'pusher-to-block',
  description: 'Distance from the pusher to the block (half-arena units).',
  reads: ['block.dx', 'block.dy'],
  cost: ({ f }) => tf.sqrt(tf.add(tf.add(tf.square(f['block.dx']!), tf.square(f['block.dy']!)), 1e-6)),
});

export const builtinCosts: readonly IntrinsicCost[] = [goalDistance, energy, collisionRisk, stayInRegion, blockToTarget, pusherToBlock];
