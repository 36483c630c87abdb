// A residual-MLP model step ŝ' = s + f([s, a]) as one custom-gradient op: fused forward kernels, a backward of plain 2-D matMuls.
import * as tf from '@tensorflow/tfjs';
import type { Mlp } from '../../tensor/dense.ts';
import type { PlanningProblem } from './problem.ts';

/** A planning step built from a model's weights; it holds tensors, so dispose it. */
export interface ModelStep extends Pick<PlanningProblem, 'next'> {
  nextInfer: NonNullable<PlanningProblem['nextInfer']>;
  dispose(): void;
}

/**
 * The step ŝ' = s + mlp([s, a, 0…]) of a residual predictor (ReLU hidden layers, linear output; inputs past s and a,
 * such as the latent z, are taken as 0), for planners: its forward pass is fused matMul+bias+ReLU kernels, and its
 * gradient reaches s and a only — no weight gradients — through pre-transposed weights, with one tape node per step.
 * It snapshots the weights: build it after the model last trained (e.g. once per decision; it costs a few kernels).
 * @param mlp [latent + actionSize (+ extra), …, latent]
 */
export function residualMlpStep(mlp: Mlp, latent: number, actionSize: number): ModelStep {
  const layers = mlp.layers;
  const last = layers.length - 1;
  if (mlp.outputs !== latent || mlp.inputs < latent + actionSize) {
    throw new Error(`residualMlpStep: the MLP maps ${mlp.inputs} → ${mlp.outputs}; a step needs ≥ ${latent + actionSize} inputs (s, a) and ${latent} outputs`);
  }
  const bad = layers.findIndex((l, i) => l.activation !== (i === last ? 'linear' : 'relu'));
  if (bad >= 0) throw new Error(`residualMlpStep: layer ${bad} is '${layers[bad]!.activation}'; the step needs ReLU hidden layers and a linear output`);

  // Step 1. Snapshot the weights, the first layer restricted to the rows of s and a, and every transpose.
  const { W, b, WT } = tf.tidy(() => {
    const W = layers.map((l, i) => (i === 0 ? tf.slice(l.W, [0, 0], [latent + actionSize, l.outputs]) : tf.clone(l.W)) as tf.Tensor2D);
    return { W, b: layers.map((l) => tf.clone(l.b) as tf.Tensor1D), WT: W.map((w) => tf.transpose(w)) };
  });

  // Under a gradient tape tfjs un-fuses matMul+ReLU into three kernels, so the differentiable path fuses only the bias.
  const hidden = (x: tf.Tensor2D, fuseRelu: boolean): tf.Tensor2D[] => {
    const hs: tf.Tensor2D[] = [];
    let h = x;
    for (let i = 0; i < last; i++) {
      const z = tf.fused.matMul({ a: h, b: W[i]!, bias: b[i], activation: fuseRelu ? 'relu' : 'linear' }) as tf.Tensor2D;
      h = fuseRelu ? z : tf.relu(z);
      hs.push(h);
    }
    return hs;
  };
  const output = (s: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D => tf.add(s, tf.fused.matMul({ a: h, b: W[last]!, bias: b[last] }));

  // Step 2. Forward saves the hidden activations; backward: dh = dy·Wᵀ masked by ReLU', down to d[s, a] = dh₁·W₁ᵀ.
  const step = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [s, a, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const hs = hidden(tf.concat([s, a], 1), false);
    save(hs);
    return {
      value: output(s, hs[last - 1] ?? tf.concat([s, a], 1)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        let g = dy as tf.Tensor2D;
        for (let i = last; i >= 1; i--) g = tf.mul(tf.matMul(g, WT[i]!), tf.step(saved[i - 1]!));
        const [ds, da] = tf.split(tf.matMul(g, WT[0]!), [latent, actionSize], 1);
        return [tf.add(dy as tf.Tensor2D, ds!), da!];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as unknown as (s: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D;

  return {
    next: step,
    nextInfer: (s, a) => {
      const x = tf.concat([s, a], 1);
      return output(s, hidden(x, true).at(-1) ?? x);
    },
    dispose: () => tf.dispose([...W, ...b, ...WT]),
  };
}
