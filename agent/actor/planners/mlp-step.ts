// Residual-MLP model steps and MLP heads as custom-gradient ops: fused forward kernels, a backward of plain matMuls.
import * as tf from '@tensorflow/tfjs';
import type { Mlp } from '../../tensor/dense.ts';
import { Kernels } from './kernels.ts';
import type { PlanningProblem, Unrolled } from './problem.ts';

/** A planning step built from a model's weights; it holds tensors, so dispose it. */
export interface ModelStep extends Pick<PlanningProblem, 'next'> {
  nextInfer: NonNullable<PlanningProblem['nextInfer']>;
  /**
   * All H steps from s0 in one call (the values of H calls of `next`): fused forward kernels, and a hand-written
   * backward through time (PlanningProblem['unroll']).
   * @param s0 [1, D] @param actions [B, H*A] candidate-major (row b is a_0 … a_{H-1} of candidate b)
   */
  unrollFrom(s0: tf.Tensor2D, actions: tf.Tensor2D): Unrolled;
  dispose(): void;
}

/** An MLP as a function of its input for planners; it holds tensors, so dispose it. */
export interface MlpHead {
  /** Differentiable in x only (no weight gradients). @param x [N, in] @returns [N, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D;
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
 * gradient reaches s and a only — no weight gradients — through pre-transposed weights, with one tape node per step
 * (`next`) or per rollout (`unroll`).
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

  // Step 1. Snapshot the weights, the first layer restricted to the rows of s and a, and every transpose. The rollout
  // works on rows x = [s, a]: its copies are rank 3 [1, in, out] (the kernels take them as they are), with the output
  // layer widened by zero columns for a (it maps to [Δs, 0]), and b_last kept as numbers.
  const X = D + A;
  const { W, b, WT, Wx, WxT } = tf.tidy(() => {
    const W = layers.map((l, i) => (i === 0 ? tf.slice(l.W, [0, 0], [X, l.outputs]) : tf.clone(l.W)) as tf.Tensor2D);
    const rank3 = (w: tf.Tensor2D): tf.Tensor3D => tf.reshape(w, [1, ...w.shape]);
    const Wx = W.map((w, i) => (i === last ? tf.pad(w, [[0, 0], [0, A]]) : w) as tf.Tensor2D);
    return {
      W,
      b: layers.map((l) => tf.clone(l.b) as tf.Tensor1D),
      WT: W.map((w) => tf.transpose(w)),
      Wx: Wx.map(rank3),
      WxT: Wx.map((w) => rank3(tf.transpose(w))),
    };
  });
  const bLast = b[last]!.dataSync() as Float32Array;

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
        const [ds, da] = tf.split(tf.matMul(g, WT[0]!), [D, A], 1);
        return [tf.add(dy as tf.Tensor2D, ds!), da!];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as unknown as (s: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D;

  // Step 3. The whole rollout, on rows x_t = [ŝ_t, a_t]. Per step: one fused kernel per hidden layer, one matMul
  // into [Δŝ − b_last, 0], and one addN of x_t, that and the uploaded [b_last, a_{t+1} − a_t], which is x_{t+1}: a_t is
  // carried from row to row (exact up to rounding), so no step concatenates [ŝ_t, a_t].
  const unrollFrom = (s0: tf.Tensor2D, actions: tf.Tensor2D): Unrolled => {
    const B = actions.shape[0];
    const H = actions.shape[1] / A;
    if (!Number.isInteger(H) || H < 1 || s0.shape[0] !== 1 || s0.shape[1] !== D) {
      throw new Error(`residualMlpStep.unrollFrom: expects s0 [1, ${D}] and actions [B, H*${A}], got [${s0.shape.join(', ')}] and [${actions.shape.join(', ')}]`);
    }
    const av = actions.dataSync();
    // x_0 = [s0, a_0] and the increments Δ_t (a_H taken as a_{H−1}: the actions carried into x_H are unused).
    const start = new Float32Array(B * X);
    const increments = new Float32Array(H * B * X);
    start.set(s0.dataSync());
    increments.set(bLast);
    for (let r = 1; r < B; r++) {
      start.copyWithin(r * X, 0, D);
      increments.copyWithin(r * X, 0, D);
    }
    for (let t = 1; t < H; t++) increments.copyWithin(t * B * X, 0, B * X);
    for (let r = 0; r < B; r++) {
      const row = r * H * A;
      for (let j = 0; j < A; j++) start[r * X + D + j] = av[row + j]!;
      for (let t = 0; t < H - 1; t++) {
        const o = (t * B + r) * X + D;
        for (let j = 0; j < A; j++) increments[o + j] = av[row + (t + 1) * A + j]! - av[row + t * A + j]!;
      }
    }
    // Every kernel runs outside the engine (Kernels); what the backward pass needs (the hidden activations) and the
    // states become tensors of the caller's scope, everything else is freed at once.
    const run = new Kernels();
    const hidden: tf.Tensor3D[] = [];
    let states: tf.Tensor2D;
    try {
      let x = run.upload(start, [1, B, X]);
      const xs = [x];
      const h: tf.TensorInfo[] = [];
      for (let t = 0; t < H; t++) {
        let z = x;
        for (let i = 0; i < last; i++) {
          z = run.matMul(z, Wx[i]!, b[i], 'relu');
          h.push(z);
        }
        x = run.addN([x, run.matMul(z, Wx[last]!), run.upload(increments.subarray(t * B * X, (t + 1) * B * X), [1, B, X])]);
        xs.push(x);
      }
      states = run.tensor(run.slice(run.reshape(run.concat(xs, 1), [(H + 1) * B, X]), [0, 0], [(H + 1) * B, D]));
      for (const z of h) hidden.push(run.tensor(z));
    } finally {
      run.dispose();
    }

    // Backward through time on rows too: g = ∂L/∂x_{t+1} (its a part is ignored: Wxᵀ of the output layer has zero rows
    // there) runs down the layers, masked by ReLU', to y_t = ∂(Δx)/∂x_t·g = [∂ŝ_t, ∂a_t] of the model path; then
    // ∂L/∂x_t = g + y_t + ∂L/∂ŝ_t (direct). The a parts of the y_t are ∂L/∂a_t, read back once at the end.
    const backward = (dStates: tf.Tensor2D): tf.Tensor2D => {
      // The per-step rows of dStates, read back once: on wasm every row slice would copy its whole input.
      const dv = dStates.dataSync();
      const rows = new Float32Array((H + 1) * B * X);
      for (let i = 0; i < (H + 1) * B; i++) rows.set(dv.subarray(i * D, (i + 1) * D), i * X);
      const run = new Kernels();
      try {
        const direct = (t: number): tf.TensorInfo => run.upload(rows.subarray(t * B * X, (t + 1) * B * X), [1, B, X]);
        let g = direct(H);
        const ys = new Array<tf.TensorInfo>(H);
        for (let t = H - 1; t >= 0; t--) {
          let q = g;
          for (let i = last; i >= 0; i--) {
            q = run.matMul(q, WxT[i]!);
            if (i > 0) q = run.reluGrad(q, hidden[t * last + i - 1]!);
          }
          ys[t] = q;
          if (t > 0) g = run.addN([g, q, direct(t)]);
        }
        const yv = run.read(run.concat(ys, 1)); // [1, H·B, X], time-major
        const da = new Float32Array(B * H * A);
        for (let t = 0; t < H; t++) for (let r = 0; r < B; r++) for (let j = 0; j < A; j++) da[r * H * A + t * A + j] = yv[(t * B + r) * X + D + j]!;
        return tf.tensor2d(da, [B, H * A]);
      } finally {
        run.dispose();
      }
    };
    return { states, backward };
  };

  return {
    next: step,
    nextInfer: (s, a) => {
      const x = tf.concat([s, a], 1);
      return output(s, hidden(x, true).at(-1) ?? x);
    },
    unrollFrom,
    dispose: () => tf.dispose([...W, ...b, ...WT, ...Wx, ...WxT]),
  };
}

/**
 * An MLP (ReLU hidden layers, linear output) as one custom-gradient op of its input, for planners: fused forward
 * kernels, and a backward of plain matMuls through pre-transposed weights that computes no weight gradients.
 * It snapshots the weights (a few kernels): build it after the model last trained.
 */
export function mlpHead(mlp: Mlp): MlpHead {
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
