// Prefer a region: the top of the arena (y grows downward, so up is negative agent.y). Try: autonomy run reach --agent mode2 --cost examples/costs/prefer-top.ts=2
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

export default defineIntrinsicCost({
  name: 'prefer-top',
  description: 'How far below the horizontal centre line the agent is (half-arena units; 0 in the top half).',
  reads: ['agent.y'],
  cost: ({ f }) => tf.relu(f['agent.y']!),
});
