// The residual-MLP rollout on the wasm backend with no per-kernel allocation: the backend's own C kernels (the ones its
// registered kernels call) write into a workspace of buffers allocated once per batch shape and reused.
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's backend this file uses (public members of its BackendWasm class). */
interface WasmBackend {
  wasm: { cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void };
  dataIdMap: { get(dataId: object): { id: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The C kernels, with the signatures their registered kernels (tfjs-backend-wasm 4.x) call them with. */
interface CKernels {
  /** (a, aShape, aRank, b, bShape, bRank, transposeA, transposeB, activation, bias, prelu, leakyAlpha, out) */
  fusedMatMul: (...args: unknown[]) => void;
  /** (a, aShape, aRank, b, bShape, bRank, dtype, out) */
  multiply: (...args: unknown[]) => void;
  /** (x, alpha, dtype, out) */
  step: (...args: unknown[]) => void;
  /** (ids, count, dtype, out) */
  addN: (...args: unknown[]) => void;
}

const FLOAT32 = 0;
const ACTIVATION = { linear: 0, relu: 1 } as const;
const kernelsOf = new WeakMap<object, CKernels | null>();

/** The backend's C kernels when the current backend is wasm and has them; null otherwise. */
function cKernels(): { backend: WasmBackend; c: CKernels } | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<WasmBackend>;
  let c = kernelsOf.get(backend);
  if (c === undefined) {
    c = null;
    const fine = typeof backend.wasm?.cwrap === 'function' && typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function' && backend.dataIdMap !== undefined;
    if (fine) {
      const w = backend.wasm!;
      c = {
        fusedMatMul: w.cwrap('_FusedMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number']),
        multiply: w.cwrap('Multiply', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number']),
        step: w.cwrap('Step', null, ['number', 'number', 'number', 'number']),
        addN: w.cwrap('AddN', null, ['array', 'number', 'number', 'number']),
      };
    }
    kernelsOf.set(backend, c);
  }
  return c ? { backend: backend as WasmBackend, c } : null;
}

/** A rank-3 shape as the C kernels take it (int32 bytes). */
const shapeBytes = (shape: readonly number[]): Uint8Array => new Uint8Array(new Int32Array(shape).buffer);

/** The weights the direct rollout reads: rank-3 [1, in, out] matrices, their transposes, and the hidden biases. */
export interface DirectWeights {
  D: number;
  A: number;
  Wx: tf.Tensor3D[];
  WxT: tf.Tensor3D[];
  b: tf.Tensor1D[];
  bLast: Float32Array;
}

/**
 * Runs a rollout and its backward pass with one C call per kernel into a reused workspace. The hidden activations of
 * the last forward pass stay in the workspace, so a backward pass must come before the next forward pass (each
 * forward pass gets a generation number; a stale backward pass is refused). Dispose it.
 */
export class WasmRollout {
  /** The workspaces of the last two batch shapes (a decision alternates B rows and B+1 for its final scoring). */
  private workspaces: Workspace[] = [];
  private workspace: Workspace | null = null;
  private generation = 0;

  private constructor(
    private readonly w: DirectWeights,
    private readonly backend: WasmBackend,
    private readonly c: CKernels,
  ) {}

  /** A direct runner for these weights on the current backend, or null when it is not wasm. */
  static create(w: DirectWeights): WasmRollout | null {
    const found = cKernels();
    return found ? new WasmRollout(w, found.backend, found.c) : null;
  }

  /**
   * @param s0 [D] @param actions [B * H*A] candidate-major
   * @returns the states [(H+1)*B * D] time-major and the generation to pass to `backward`
   */
  forward(s0: ArrayLike<number>, actions: ArrayLike<number>, B: number, H: number): { states: Float32Array; generation: number } {
    const { D, A, bLast } = this.w;
    const X = D + A;
    const ws = this.workspaceFor(B, H);
    const { c } = this;
    const last = ws.layers - 1;
    // x_0 = [s0, a_0].
    const start = this.heap(ws.xs[0]!);
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < D; j++) start[r * X + j] = s0[j]!;
      for (let j = 0; j < A; j++) start[r * X + D + j] = actions[r * H * A + j]!;
    }
    for (let t = 0; t < H; t++) {
      // Δ_t = [b_last, a_{t+1} − a_t] (a_H taken as a_{H−1}).
      const increment = this.heap(ws.increment);
      for (let r = 0; r < B; r++) {
        increment.set(bLast, r * X);
        for (let j = 0; j < A; j++) increment[r * X + D + j] = t + 1 < H ? actions[r * H * A + (t + 1) * A + j]! - actions[r * H * A + t * A + j]! : 0;
      }
      let input = ws.xs[t]!;
      for (let i = 0; i < last; i++) {
        const out = ws.hidden[t * last + i]!;
        c.fusedMatMul(input.id, input.shape, 3, ws.Wx[i]!.id, ws.Wx[i]!.shape, 3, 0, 0, ACTIVATION.relu, ws.b[i]!, 0, 0, out.id);
        input = out;
      }
      c.fusedMatMul(input.id, input.shape, 3, ws.Wx[last]!.id, ws.Wx[last]!.shape, 3, 0, 0, ACTIVATION.linear, 0, 0, 0, ws.y.id);
      c.addN(shapeBytes([ws.xs[t]!.id, ws.y.id, ws.increment.id]), 3, FLOAT32, ws.xs[t + 1]!.id);
    }
    const states = new Float32Array((H + 1) * B * D);
    for (let t = 0; t <= H; t++) {
      const x = this.heap(ws.xs[t]!);
      for (let r = 0; r < B; r++) states.set(x.subarray(r * X, r * X + D), (t * B + r) * D);
    }
    return { states, generation: ++this.generation };
  }

  /** @param dStates [(H+1)*B * D] ∂L/∂ŝ time-major @returns [B * H*A] ∂L/∂a (see rolloutBackward) */
  backward(generation: number, dStates: ArrayLike<number>, B: number, H: number): Float32Array {
    const ws = this.workspace;
    if (generation !== this.generation || !ws || ws.B !== B || ws.H !== H) throw new Error('WasmRollout: a backward pass that does not follow its forward pass');
    const { D, A } = this.w;
    const X = D + A;
    const { c } = this;
    const last = ws.layers - 1;
    const direct = (t: number, into: Buffer): void => {
      const rows = this.heap(into);
      rows.fill(0);
      for (let r = 0; r < B; r++) for (let j = 0; j < D; j++) rows[r * X + j] = dStates[(t * B + r) * D + j]!;
    };
    let g = ws.g[0]!;
    let next = ws.g[1]!;
    direct(H, g);
    for (let t = H - 1; t >= 0; t--) {
      let q = g;
      for (let i = last; i >= 0; i--) {
        const out = i === 0 ? ws.ys[t]! : ws.q[i]!;
        c.fusedMatMul(q.id, q.shape, 3, ws.WxT[i]!.id, ws.WxT[i]!.shape, 3, 0, 0, ACTIVATION.linear, 0, 0, 0, out.id);
        if (i > 0) {
          // ReLU': masked by the step of the layer's output.
          const h = ws.hidden[t * last + i - 1]!;
          c.step(h.id, 0, FLOAT32, ws.mask[i]!.id);
          c.multiply(out.id, out.shape, 3, ws.mask[i]!.id, out.shape, 3, FLOAT32, ws.masked[i]!.id);
          q = ws.masked[i]!;
        } else {
          q = out;
        }
      }
      if (t > 0) {
        direct(t, ws.direct);
        c.addN(shapeBytes([g.id, ws.ys[t]!.id, ws.direct.id]), 3, FLOAT32, next.id);
        [g, next] = [next, g];
      }
    }
    const da = new Float32Array(B * H * A);
    for (let t = 0; t < H; t++) {
      const y = this.heap(ws.ys[t]!);
      for (let r = 0; r < B; r++) for (let j = 0; j < A; j++) da[r * H * A + t * A + j] = y[r * X + D + j]!;
    }
    return da;
  }

  dispose(): void {
    for (const ws of this.workspaces) ws.dispose();
    this.workspaces = [];
    this.workspace = null;
  }

  /** A fresh view of a buffer (the heap may have grown since the last one). */
  private heap(buffer: Buffer): Float32Array {
    return this.backend.typedArrayFromHeap(buffer.info);
  }

  private workspaceFor(B: number, H: number): Workspace {
    let ws = this.workspaces.find((w) => w.B === B && w.H === H);
    if (!ws) {
      ws = new Workspace(this.w, this.backend, B, H);
      this.workspaces.unshift(ws);
      for (const old of this.workspaces.splice(2)) old.dispose();
    }
    this.workspace = ws;
    return ws;
  }
}

/** A registered buffer with its id and shape bytes, as the C kernels take them. */
interface Buffer {
  info: tf.TensorInfo;
  id: number;
  shape: Uint8Array;
}

/** Every buffer one rollout of B rows over H steps writes, allocated once. */
class Workspace {
  readonly layers: number;
  readonly xs: Buffer[];
  readonly hidden: Buffer[];
  readonly increment: Buffer;
  readonly y: Buffer;
  readonly g: Buffer[];
  readonly direct: Buffer;
  readonly ys: Buffer[];
  /** Per layer i ≥ 1: the backward product into layer i's input width, its mask, the masked product. */
  readonly q: Buffer[];
  readonly mask: Buffer[];
  readonly masked: Buffer[];
  readonly Wx: Buffer[];
  readonly WxT: Buffer[];
  readonly b: number[];
  private readonly owned: tf.TensorInfo[] = [];

  constructor(
    w: DirectWeights,
    private readonly backend: WasmBackend,
    readonly B: number,
    readonly H: number,
  ) {
    const X = w.D + w.A;
    this.layers = w.Wx.length;
    const last = this.layers - 1;
    const width = (i: number): number => w.Wx[i]!.shape[2];
    const alloc = (n: number): Buffer => {
      const info = backend.makeOutput([1, B, n], 'float32');
      this.owned.push(info);
      return { info, id: backend.dataIdMap.get(info.dataId)!.id, shape: shapeBytes(info.shape) };
    };
    const wrap = (t: tf.Tensor): Buffer => ({ info: t, id: backend.dataIdMap.get(t.dataId)!.id, shape: shapeBytes(t.shape) });
    this.xs = Array.from({ length: H + 1 }, () => alloc(X));
    this.hidden = Array.from({ length: H * last }, (_, k) => alloc(width(k % last)));
    this.increment = alloc(X);
    this.y = alloc(X);
    this.g = [alloc(X), alloc(X)];
    this.direct = alloc(X);
    this.ys = Array.from({ length: H }, () => alloc(X));
    this.q = w.Wx.map((_, i) => (i > 0 ? alloc(width(i - 1)) : this.y));
    this.mask = w.Wx.map((_, i) => (i > 0 ? alloc(width(i - 1)) : this.y));
    this.masked = w.Wx.map((_, i) => (i > 0 ? alloc(width(i - 1)) : this.y));
    this.Wx = w.Wx.map(wrap);
    this.WxT = w.WxT.map(wrap);
    this.b = w.b.map((t) => backend.dataIdMap.get(t.dataId)!.id);
  }

  dispose(): void {
    for (const info of this.owned) this.backend.disposeData(info.dataId, true);
    this.owned.length = 0;
  }
}
