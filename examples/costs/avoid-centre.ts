// Keep out of a zone: a disc of radius 0.35 half-arenas around the arena's centre. Try: autonomy run reach --agent mode2 --cost examples/costs/avoid-centre.ts=4
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

/** Radius of the zone, in half-arena units. */
const RADIUS = 0.35;

export default defineIntrinsicCost({
  name: 'avoid-centre',
  description: `How deep inside the central no-go disc (radius ${RADIUS} half-arenas) the agent is.`,
  reads: ['agent.x', 'agent.y'],
  cost: ({ f }) => {
    const r = tf.sqrt(tf.add(tf.add(tf.square(f['agent.x']!), tf.square(f['agent.y']!)), 1e-6));
    return tf.relu(tf.sub(RADIUS, r));
  },
});
