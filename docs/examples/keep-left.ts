// An example intrinsic-cost plug-in: penalise being right of the arena's centre. Load it with `--cost docs/examples/keep-left.ts`.
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from '../../agent/cost/intrinsic.ts';

export default defineIntrinsicCost({
  name: 'keep-left',
  description: 'How far the agent is right of the centre line (half-arena units).',
  reads: ['agent.x'],
  cost: ({ f }) => tf.relu(f['agent.x']!),
});
