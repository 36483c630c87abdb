// Kernel calls for the planners' hand-written passes: registered kernels run directly on the backend, outside the engine.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;

const KERNELS = ['_FusedMatMul', 'AddN', 'Multiply', 'Step', 'Concat', 'Reshape', 'Slice'] as const;
type KernelName = (typeof KERNELS)[number];
const registry = new Map<string, Record<KernelName, tf.KernelFunc>>();

/** The kernel functions a backend registers for the names the runner uses, looked up once per backend. */
function kernelsOf(backendName: string): Record<KernelName, tf.KernelFunc> {
  let found = registry.get(backendName);
  if (!found) {
    found = {} as Record<KernelName, tf.KernelFunc>;
    for (const name of KERNELS) {
      const kernel = tf.getKernel(name, backendName)?.kernelFunc;
      if (!kernel) throw new Error(`Kernels: the '${backendName}' backend has no '${name}' kernel`);
      found[name] = kernel;
    }
    registry.set(backendName, found);
  }
  return found;
}

/**
 * Runs the backend's registered kernels (tf.getKernel) directly on TensorInfos: no op wrapper, no engine scope, no
 * tape, no Tensor objects — on wasm that is about a quarter of what a small kernel costs through `tf.*` ops. Every
 * output is a temporary owned by the runner until `dispose()` frees them all (call it in a `finally`), except those
 * handed to the engine by `tensor()`, which become ordinary tensors (tracked by the enclosing tidy).
 * Inputs may be tensors or the runner's own outputs. Matrix products take rank-3 [1, M, K] × [1, K, N] operands (as
 * the `_FusedMatMul` kernel wants them), so no reshape runs around them.
 */
export class Kernels {
  private readonly backend = tf.backend();
  private readonly kernels = kernelsOf(tf.getBackend());
  private readonly temps: Info[] = [];

  private run(name: KernelName, inputs: tf.NamedTensorInfoMap | Info[], attrs: tf.NamedAttrMap = {}): Info {
    const out = this.kernels[name]({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs }) as Info;
    this.temps.push(out);
    return out;
  }

  /** a·b (+ bias, then the activation) on [1, M, K] × [1, K, N] → [1, M, N]. @param bias [N] */
  matMul(a: Info, b: Info, bias?: Info, activation: 'linear' | 'relu' = 'linear'): Info {
    if (a.shape.length !== 3 || b.shape.length !== 3 || a.shape[2] !== b.shape[1]) {
      throw new Error(`Kernels.matMul: expects [1, M, K] × [1, K, N], got [${a.shape.join(', ')}] × [${b.shape.join(', ')}]`);
    }
    // `_FusedMatMul` also without bias and activation: the `BatchMatMul` kernel reshapes its operands to rank 3 first.
    return this.run('_FusedMatMul', bias ? { a, b, bias } : { a, b }, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 });
  }

  /** Σ xs, all of one shape. */
  addN(xs: Info[]): Info {
    return this.run('AddN', xs);
  }

  /** g·ReLU'(z) from the layer's output h = relu(z) (h > 0 exactly where z > 0). */
  reluGrad(g: Info, h: Info): Info {
    return this.run('Multiply', { a: g, b: this.run('Step', { x: h }, { alpha: 0 }) });
  }

  concat(xs: Info[], axis: number): Info {
    return this.run('Concat', xs, { axis });
  }

  reshape(x: Info, shape: number[]): Info {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: Info, begin: number[], size: number[]): Info {
    return this.run('Slice', { x }, { begin, size });
  }

  /** A float32 buffer from numbers. */
  upload(values: Float32Array, shape: number[]): Info {
    const info: Info = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.temps.push(info);
    return info;
  }

  /** The values of a float32 buffer (a copy or the backend's own array: do not write to it). */
  read(x: Info): Float32Array {
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  /** Hands one of the runner's outputs to the engine as a tensor; `dispose()` then leaves it alone. */
  tensor<T extends tf.Tensor>(x: Info): T {
    const i = this.temps.lastIndexOf(x);
    if (i < 0) throw new Error('Kernels.tensor: not an output of this runner');
    this.temps.splice(i, 1);
    return tf.engine().makeTensorFromTensorInfo(x, this.backend) as T;
  }

  /** Frees every output not handed to the engine. */
  dispose(): void {
    for (const x of this.temps) this.backend.disposeData(x.dataId);
    this.temps.length = 0;
  }
}
