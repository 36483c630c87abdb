// Keep clear of walls: the rangefinder's nearest hit should stay beyond 0.35 of its reach. Try: autonomy run two-rooms --agent mode2 --cost examples/costs/wall-clearance.ts=20
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

/** The clearance wanted, as a fraction of the rangefinder's reach. */
const CLEARANCE = 0.35;

export default defineIntrinsicCost({
  name: 'wall-clearance',
  description: `How far inside ${CLEARANCE} of the rangefinder's reach the nearest obstacle is (0 when clear).`,
  reads: ['ray.*'],
  cost: ({ f }) => tf.relu(tf.sub(CLEARANCE, tf.min(f['ray.*']!, 1))),
});
