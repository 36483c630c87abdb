// Residual-MLP model steps and rollouts, and MLP heads, compiled for planning: fused forward kernels, hand-written backward passes.
import * as tf from '@tensorflow/tfjs';
import type { Mlp } from '../../tensor/dense.ts';
import { Kernels } from './kernels.ts';
import { rollout, rolloutWeights, type LayerValues } from './residual-rollout.ts';
import type { PlanningHead, Unrolled } from '../world-model.ts';

/** A planning step built from a model's weights; it holds tensors, so dispose it. */
export interface ModelStep {
  /** One step, differentiable in s and a. @param s [B, D] @param a [B, A] @returns [B, D] */
  next(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /** The same step, forward only. */
  nextInfer(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D;
  /**
   * All H steps from s0 in one call (the values of H calls of `next`): fused forward kernels, and a hand-written
   * backward through time.
   * @param s0 [1, D] @param actions [B, H*A] candidate-major (row b is a_0 … a_{H-1} of candidate b)
   */
  unrollFrom(s0: tf.Tensor2D, actions: tf.Tensor2D): Unrolled;
  dispose(): void;
}

/** Refuses MLPs whose hidden layers are not ReLU or whose output layer is not linear. */
function checkReluMlp(mlp: Mlp, who: string): void {
  const last = mlp.layers.length - 1;
  const bad = mlp.layers.findIndex((l, i) => l.activation !== (i === last ? 'linear' : 'relu'));
  if (bad >= 0) throw new Error(`${who}: layer ${bad} is '${mlp.layers[bad]!.activation}'; it needs ReLU hidden layers and a linear output`);
}

/**
 * The step ŝ' = s + mlp([s, a, 0…]) of a residual predictor (ReLU hidden layers, linear output; inputs past s and a,
 * such as the latent z, are taken as 0), for planners: its forward pass is fused matMul+bias+ReLU kernels, and its
 * gradient reaches s and a only — no weight gradients — through pre-transposed weights: one tape node per step
 * (`next`), or the whole rollout with its own backward pass through time (`unrollFrom`, see residual-rollout.ts).
 * It snapshots the weights: build it after the model last trained (e.g. once per decision; it costs a few kernels).
 * @param mlp [latent + actionSize (+ extra), …, latent]
 */
export function residualMlpStep(mlp: Mlp, latent: number, actionSize: number): ModelStep {
  const layers = mlp.layers;
  const last = layers.length - 1;
  const D = latent;
  const A = actionSize;
  const extra = mlp.inputs - D - A;
  if (mlp.outputs !== D || extra < 0) {
    throw new Error(`residualMlpStep: the MLP maps ${mlp.inputs} → ${mlp.outputs}; a step needs ≥ ${D + A} inputs (s, a) and ${D} outputs`);
  }
  checkReluMlp(mlp, 'residualMlpStep');

  // Step 1. Snapshot the weights as numbers, the first layer restricted to the rows of s and a: the rollout builds its
  // tensors from them; the single steps make theirs, and the transposes, on first use.
  const X = D + A;
  const values: LayerValues[] = layers.map((l, i) => ({
    W: (l.W.dataSync() as Float32Array).slice(0, (i === 0 ? X : l.inputs) * l.outputs),
    inputs: i === 0 ? X : l.inputs,
    outputs: l.outputs,
    b: (l.b.dataSync() as Float32Array).slice(),
  }));
  const weights = rolloutWeights(values, D, A);
  let stepWeights: { W: tf.Tensor2D[]; b: tf.Tensor1D[]; WT: tf.Tensor2D[] } | null = null;
  const forSteps = (): { W: tf.Tensor2D[]; b: tf.Tensor1D[]; WT: tf.Tensor2D[] } => {
    stepWeights ??= tf.tidy(() => {
      const W = values.map((v) => tf.keep(tf.tensor2d(v.W, [v.inputs, v.outputs])));
      return { W, b: values.map((v) => tf.keep(tf.tensor1d(v.b))), WT: W.map((w) => tf.keep(tf.transpose(w))) };
    });
    return stepWeights;
  };

  // Under a gradient tape tfjs un-fuses matMul+ReLU into three kernels, so the differentiable path fuses only the bias.
  const hidden = (x: tf.Tensor2D, fuseRelu: boolean): tf.Tensor2D[] => {
    const { W, b } = forSteps();
    const hs: tf.Tensor2D[] = [];
    let h = x;
    for (let i = 0; i < last; i++) {
      const z = tf.fused.matMul({ a: h, b: W[i]!, bias: b[i], activation: fuseRelu ? 'relu' : 'linear' }) as tf.Tensor2D;
      h = fuseRelu ? z : tf.relu(z);
      hs.push(h);
    }
    return hs;
  };
  const output = (s: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D => {
    const { W, b } = forSteps();
    return tf.add(s, tf.fused.matMul({ a: h, b: W[last]!, bias: b[last] }));
  };

  // Step 2. Forward saves the hidden activations; backward: dh = dy·Wᵀ masked by ReLU', down to d[s, a] = dh₁·W₁ᵀ.
  const step = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [s, a, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const hs = hidden(tf.concat([s, a], 1), false);
    save(hs);
    return {
      value: output(s, hs[last - 1] ?? tf.concat([s, a], 1)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const { WT } = forSteps();
        let g = dy as tf.Tensor2D;
        for (let i = last; i >= 1; i--) g = tf.mul(tf.matMul(g, WT[i]!), tf.step(saved[i - 1]!));
        const [ds, da] = tf.split(tf.matMul(g, WT[0]!), [D, A], 1);
        return [tf.add(dy as tf.Tensor2D, ds!), da!];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as unknown as (s: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D;

  // Step 3. The whole rollout (residual-rollout.ts).
  const unrollFrom = (s0: tf.Tensor2D, actions: tf.Tensor2D): Unrolled => {
    const B = actions.shape[0];
    const H = actions.shape[1] / A;
    if (!Number.isInteger(H) || H < 1 || s0.shape[0] !== 1 || s0.shape[1] !== D) {
      throw new Error(`residualMlpStep.unrollFrom: expects s0 [1, ${D}] and actions [B, H*${A}], got [${s0.shape.join(', ')}] and [${actions.shape.join(', ')}]`);
    }
    const av = actions.dataSync() as Float32Array;
    const sv = s0.dataSync() as Float32Array;
    const pass = rollout(weights, sv, av, B, H);
    return { states: tf.tensor2d(pass.states, [(H + 1) * B, D]), backward: (dStates) => tf.tensor2d(pass.backward(dStates.dataSync()), [B, H * A]) };
  };

  return {
    next: step,
    nextInfer: (s, a) => {
      const x = tf.concat([s, a], 1);
      return output(s, hidden(x, true).at(-1) ?? x);
    },
    unrollFrom,
    dispose: () => {
      if (stepWeights) tf.dispose([...stepWeights.W, ...stepWeights.b, ...stepWeights.WT]);
      weights.dispose();
    },
  };
}

/**
 * An MLP (ReLU hidden layers, linear output) as one custom-gradient op of its input, for planners: fused forward
 * kernels, and a backward of plain matMuls through pre-transposed weights that computes no weight gradients.
 * It snapshots the weights (a few kernels): build it after the model last trained.
 */
export function mlpHead(mlp: Mlp): PlanningHead {
  checkReluMlp(mlp, 'mlpHead');
  const last = mlp.layers.length - 1;
  const { W, b, WT } = tf.tidy(() => ({
    W: mlp.layers.map((l) => tf.reshape(l.W, [1, l.inputs, l.outputs]) as tf.Tensor3D),
    b: mlp.layers.map((l) => tf.clone(l.b) as tf.Tensor1D),
    WT: mlp.layers.map((l) => tf.reshape(tf.transpose(l.W), [1, l.outputs, l.inputs]) as tf.Tensor3D),
  }));
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const n = x.shape[0];
    const run = new Kernels();
    const hs: tf.Tensor3D[] = [];
    let y: tf.Tensor3D;
    try {
      let h: tf.TensorInfo = tf.reshape(x, [1, n, mlp.inputs]);
      for (let i = 0; i < last; i++) {
        h = run.tensor<tf.Tensor3D>(run.matMul(h, W[i]!, b[i], 'relu'));
        hs.push(h as tf.Tensor3D);
      }
      y = run.tensor(run.matMul(h, W[last]!, b[last]));
    } finally {
      run.dispose();
    }
    save(hs);
    return {
      value: tf.reshape(y, [n, mlp.outputs]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const run = new Kernels();
        try {
          let g: tf.TensorInfo = tf.reshape(dy as tf.Tensor, [1, n, mlp.outputs]);
          for (let i = last; i >= 1; i--) g = run.reluGrad(run.matMul(g, WT[i]!), saved[i - 1]!);
          return tf.reshape(run.tensor(run.matMul(g, WT[0]!)), [n, mlp.inputs]);
        } finally {
          run.dispose();
        }
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
  return { apply: op, dispose: () => tf.dispose([...W, ...b, ...WT]) };
}
