// Dense layers and MLPs whose backward pass uses only plain 2-D matMuls (the fast path of the wasm backend).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../world/rng.ts';

export type Activation = 'linear' | 'relu' | 'tanh' | 'elu';

/**
 * y = x·W + b with a hand-written gradient: dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ dy, where the transposes
 * are explicit so every matMul is a plain, non-transposed 2-D one.
 * @param x [B, in]  @param W [in, out]  @param b [out]  @returns [B, out]
 */
export const denseForward = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, W, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, W]);
  return {
    value: tf.add(tf.matMul(x, W), b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, Ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(Ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

export function activate(x: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'linear':
      return x;
  }
}

/** A trainable dense layer owning its variables. */
export class Dense {
  readonly W: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;

  /** He/Glorot-scaled normal initialisation from the given seeded stream. */
  constructor(
    readonly name: string,
    readonly inputs: number,
    readonly outputs: number,
    readonly activation: Activation,
    rng: Rng,
    /** Multiplies the initial weights; 0 makes the layer start at its bias (e.g. a residual branch starting at zero). */
    initScale = 1,
  ) {
    const scale = initScale * (activation === 'relu' || activation === 'elu' ? Math.sqrt(2 / inputs) : Math.sqrt(1 / inputs));
    const w = new Float32Array(inputs * outputs);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
    // tfjs variable names are global and must be unique, so the layer keeps its own names (see `named`).
    this.W = tf.tidy(() => tf.variable(tf.tensor2d(w, [inputs, outputs]), true));
    this.b = tf.tidy(() => tf.variable(tf.zeros([outputs]), true));
  }

  /** @param x [B, in] @returns [B, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return activate(denseForward(x, this.W, this.b), this.activation);
  }

  /** Inference only (no gradient needed): one fused matMul + bias + activation kernel. */
  infer(x: tf.Tensor2D): tf.Tensor2D {
    const y = tf.fused.matMul({ a: x, b: this.W as tf.Tensor2D, bias: this.b, activation: this.activation === 'tanh' ? 'linear' : this.activation }) as tf.Tensor2D;
    return this.activation === 'tanh' ? tf.tanh(y) : y;
  }

  get variables(): tf.Variable[] {
    return [this.W, this.b];
  }

  /** The variables under stable names, for checkpoints. */
  get named(): [string, tf.Variable][] {
    return [
      [`${this.name}/W`, this.W],
      [`${this.name}/b`, this.b],
    ];
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}

/** A stack of dense layers; hidden layers use `hidden`, the last one `output`. */
export class Mlp {
  readonly layers: Dense[];

  /** @param lastInitScale initial weight scale of the output layer (0: the MLP starts as a constant) */
  constructor(name: string, sizes: readonly number[], rng: Rng, hidden: Activation = 'relu', output: Activation = 'linear', lastInitScale = 1) {
    if (sizes.length < 2) throw new Error(`MLP '${name}' needs at least input and output sizes, got [${sizes.join(', ')}]`);
    this.layers = sizes.slice(1).map((out, i) => {
      const last = i === sizes.length - 2;
      return new Dense(`${name}/${i}`, sizes[i]!, out, last ? output : hidden, rng, last ? lastInitScale : 1);
    });
  }

  get inputs(): number {
    return this.layers[0]!.inputs;
  }

  get outputs(): number {
    return this.layers.at(-1)!.outputs;
  }

  /** @param x [B, in] @returns [B, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const layer of this.layers) h = layer.apply(h);
    return h;
  }

  /** Inference only: fused kernels, no custom gradient. @param x [B, in] @returns [B, out] */
  infer(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const layer of this.layers) h = layer.infer(h);
    return h;
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  get named(): [string, tf.Variable][] {
    return this.layers.flatMap((l) => l.named);
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
