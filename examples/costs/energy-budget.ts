// An energy budget: actions are free up to a quarter of full effort, then cost steeply. Try: autonomy run reach --agent mode2 --cost examples/costs/energy-budget.ts=2
import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

/** Free effort per tick: |a|² up to this costs nothing (|a|² is at most 2). */
const BUDGET = 0.25;

export default defineIntrinsicCost({
  name: 'energy-budget',
  description: `Effort beyond the budget: max(0, |a|² − ${BUDGET}) per tick.`,
  reads: [],
  cost: ({ a }) => tf.relu(tf.sub(tf.sum(tf.square(a), 1), BUDGET)),
});
