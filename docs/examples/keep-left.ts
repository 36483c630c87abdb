// An example intrinsic-cost plug-in: penalise being right of the arena's centre. Try: autonomy run reach --agent mode2 --cost docs/examples/keep-left.ts=2
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

export default defineIntrinsicCost({
  name: 'keep-left',
  description: 'How far the agent is right of the centre line (half-arena units).',
  reads: ['agent.x'],
  cost: ({ f }) => tf.relu(f['agent.x']!),
});
