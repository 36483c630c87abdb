// The rollout of a residual-MLP predictor over H steps and its backward pass through time, on plain numbers in and out.
import * as tf from '@tensorflow/tfjs';
import { Kernels } from './kernels.ts';
import { WasmRollout, type DirectWeights } from './wasm-rollout.ts';

/**
 * The weights of ŝ' = ŝ + mlp([ŝ, a]) (ReLU hidden layers, linear output) as the rollout's kernels take them: rank 3
 * [1, in, out], the first layer restricted to the rows of ŝ and a, the output layer widened by zero columns for a
 * (it maps a row x = [ŝ, a] to [Δŝ − b_last, 0]), every transpose, and b_last as numbers. Dispose it.
 */
export interface RolloutWeights extends DirectWeights {
  /** The wasm backend's direct runner for these weights (null on other backends, or if it failed its check). */
  direct: WasmRollout | null;
  dispose(): void;
}

/** A forward pass: its states, and its backward pass (call it at most once, before the next forward pass). */
export interface RolloutPass {
  /** [(H+1)*B * D] ŝ_0 … ŝ_H, time-major. */
  states: Float32Array;
  /** @param dStates [(H+1)*B * D] ∂L/∂ŝ time-major @returns [B * H*A] ∂L/∂a through the model */
  backward(dStates: ArrayLike<number>): Float32Array;
}

/** A layer's weights as numbers: W [inputs, outputs] row-major (the first layer's rows of ŝ and a only) and b. */
export interface LayerValues {
  W: Float32Array;
  inputs: number;
  outputs: number;
  b: Float32Array;
}

/** Builds the rollout's weights from the layers' values (a snapshot of a model's weights). */
export function rolloutWeights(layers: readonly LayerValues[], D: number, A: number): RolloutWeights {
  const last = layers.length - 1;
  const X = D + A;
  if (layers[0]!.inputs !== X || layers[last]!.outputs !== D) throw new Error(`rolloutWeights: the layers map ${layers[0]!.inputs} → ${layers[last]!.outputs}; a step maps ${X} → ${D}`);
  const tensors = tf.tidy(() => {
    const W = layers.map((l) => tf.tensor2d(l.W, [l.inputs, l.outputs]));
    const Wx = W.map((w, i) => (i === last ? tf.pad(w, [[0, 0], [0, A]]) : w) as tf.Tensor2D);
    return {
      Wx: Wx.map((w) => tf.reshape(w, [1, ...w.shape]) as tf.Tensor3D),
      WxT: Wx.map((w) => tf.reshape(tf.transpose(w), [1, w.shape[1], w.shape[0]]) as tf.Tensor3D),
      b: layers.map((l) => tf.tensor1d(l.b)),
    };
  });
  const bLast = layers[last]!.b;
  const direct = directWorks() ? WasmRollout.create({ D, A, ...tensors, bLast }) : null;
  return {
    D,
    A,
    ...tensors,
    bLast,
    direct,
    dispose: () => {
      direct?.dispose();
      tf.dispose([...tensors.Wx, ...tensors.WxT, ...tensors.b]);
    },
  };
}

/**
 * The rollout of B rows over H steps: on wasm by the direct runner (no allocation per kernel), elsewhere by kernels
 * run outside the engine (`rolloutForward`, `rolloutBackward`); bitwise the same numbers. Call it inside a tidy: the
 * second path keeps the hidden activations for the backward pass as tensors of the caller's scope.
 * @param s0 [D] @param actions [B * H*A] candidate-major
 */
export function rollout(w: RolloutWeights, s0: ArrayLike<number>, actions: ArrayLike<number>, B: number, H: number): RolloutPass {
  if (w.direct) {
    const direct = w.direct;
    const { states, generation } = direct.forward(s0, actions, B, H);
    return { states, backward: (dStates) => direct.backward(generation, dStates, B, H) };
  }
  const pass = rolloutForward(w, s0, actions, B, H);
  const states = pass.states.dataSync() as Float32Array;
  pass.states.dispose();
  return { states, backward: (dStates) => rolloutBackward(w, pass.hidden, dStates, B, H) };
}

/** Per backend object: whether the direct runner gives bitwise what the kernels give (checked once on a small model). */
const checked = new WeakMap<object, boolean>();

function directWorks(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const backend = tf.backend();
  let works = checked.get(backend);
  if (works === undefined) {
    works = false;
    checked.set(backend, false);
    const layers: LayerValues[] = [
      [5, 4],
      [4, 3],
      [3, 3],
    ].map(([inputs, outputs], k) => ({
      W: Float32Array.from({ length: inputs! * outputs! }, (_, i) => Math.sin(1 + i * 0.7 + k)),
      inputs: inputs!,
      outputs: outputs!,
      b: Float32Array.from({ length: outputs! }, (_, i) => Math.cos(i + k) * 0.1),
    }));
    const w = rolloutWeights(layers, 3, 2);
    const direct = WasmRollout.create(w);
    try {
      if (direct) {
        const s0 = [0.3, -0.2, 0.5];
        const actions = Float32Array.from({ length: 3 * 4 * 2 }, (_, i) => Math.sin(i * 1.3));
        const dStates = Float32Array.from({ length: 5 * 3 * 3 }, (_, i) => Math.cos(i * 0.9));
        const a = direct.forward(s0, actions, 3, 4);
        const da = direct.backward(a.generation, dStates, 3, 4);
        const b = tf.tidy(() => {
          const pass = rolloutForward(w, s0, actions, 3, 4);
          return { states: pass.states.dataSync(), da: rolloutBackward(w, pass.hidden, dStates, 3, 4) };
        });
        const same = (x: ArrayLike<number>, y: ArrayLike<number>): boolean => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]));
        works = same(a.states, b.states) && same(da, b.da);
      }
    } catch {
      works = false;
    } finally {
      direct?.dispose();
      w.dispose();
    }
    checked.set(backend, works);
  }
  return works;
}

/**
 * The forward pass on rows x_t = [ŝ_t, a_t]: per step one fused kernel per hidden layer, one matMul into
 * [Δŝ − b_last, 0], and one addN of x_t, that and the uploaded [b_last, a_{t+1} − a_t], which is x_{t+1}: a_t is carried
 * from row to row (exact up to rounding), so no step concatenates [ŝ_t, a_t]. Every kernel runs outside the engine
 * (Kernels); the states and the hidden activations (for the backward pass) become tensors of the caller's scope.
 * @param s0 [D] @param actions [B * H*A] candidate-major @returns states [(H+1)*B, D] time-major, hidden activations
 */
export function rolloutForward(w: RolloutWeights, s0: ArrayLike<number>, actions: ArrayLike<number>, B: number, H: number): { states: tf.Tensor2D; hidden: tf.Tensor3D[] } {
  const { D, A, Wx, b, bLast } = w;
  const X = D + A;
  const last = Wx.length - 1;
  // x_0 = [s0, a_0] and the increments Δ_t (a_H taken as a_{H−1}: the actions carried into x_H are unused).
  const start = new Float32Array(B * X);
  const increments = new Float32Array(H * B * X);
  for (let j = 0; j < D; j++) start[j] = s0[j]!;
  increments.set(bLast);
  for (let r = 1; r < B; r++) {
    start.copyWithin(r * X, 0, D);
    increments.copyWithin(r * X, 0, D);
  }
  for (let t = 1; t < H; t++) increments.copyWithin(t * B * X, 0, B * X);
  for (let r = 0; r < B; r++) {
    const row = r * H * A;
    for (let j = 0; j < A; j++) start[r * X + D + j] = actions[row + j]!;
    for (let t = 0; t < H - 1; t++) {
      const o = (t * B + r) * X + D;
      for (let j = 0; j < A; j++) increments[o + j] = actions[row + (t + 1) * A + j]! - actions[row + t * A + j]!;
    }
  }
  const run = new Kernels();
  const hidden: tf.Tensor3D[] = [];
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
    const states = run.tensor<tf.Tensor2D>(run.slice(run.reshape(run.concat(xs, 1), [(H + 1) * B, X]), [0, 0], [(H + 1) * B, D]));
    for (const z of h) hidden.push(run.tensor(z));
    return { states, hidden };
  } finally {
    run.dispose();
  }
}

/**
 * The backward pass through time on rows too: g = ∂L/∂x_{t+1} (its a part is ignored: Wxᵀ of the output layer has
 * zero rows there) runs down the layers, masked by ReLU', to y_t = ∂(Δx)/∂x_t·g = [∂ŝ_t, ∂a_t] of the model path; then
 * ∂L/∂x_t = g + y_t + ∂L/∂ŝ_t (direct). The a parts of the y_t are ∂L/∂a_t, read back once at the end.
 * @param hidden from `rolloutForward` @param dStates [(H+1)*B * D] ∂L/∂ŝ time-major @returns [B * H*A] ∂L/∂a
 */
export function rolloutBackward(w: RolloutWeights, hidden: readonly tf.Tensor3D[], dStates: ArrayLike<number>, B: number, H: number): Float32Array {
  const { D, A, WxT } = w;
  const X = D + A;
  const last = WxT.length - 1;
  // The per-step rows of ∂L/∂ŝ widened to rows of x: uploaded step by step (on wasm a row slice copies its whole input).
  const rows = new Float32Array((H + 1) * B * X);
  for (let i = 0; i < (H + 1) * B; i++) for (let j = 0; j < D; j++) rows[i * X + j] = dStates[i * D + j]!;
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
    return da;
  } finally {
    run.dispose();
  }
}
