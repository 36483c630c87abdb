// A second thread for rollouts: a worker with its own tfjs runs the residual-MLP rollout on part of a batch while the
// planning thread runs the rest. Calls are synchronous (the planners are): inputs and results go through shared
// memory, signalled with Atomics; weights, new buffers and errors go by message.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { LayerValues } from './residual-rollout.ts';

/** Slots of the shared control words. */
export const CONTROL = { request: 0, response: 1, ready: 2, kind: 3, rows: 4, horizon: 5, failed: 6, mail: 7 } as const;
/** `ready` values. */
export const READY = { starting: 0, ready: 1, failed: 2 } as const;
/** `kind` values. */
export const KIND = { forward: 1, backward: 2 } as const;
/** A waiting thread polls this long before it sleeps (waking a sleeping thread costs more than a short poll). */
export const SPIN_MS = 0.5;

/** What goes by message with a request: new weights and/or a bigger shared buffer. */
export interface WorkerMail {
  weights?: { layers: LayerValues[]; D: number; A: number };
  buffer?: SharedArrayBuffer;
}

/** A weights snapshot as the worker holds it: one forward, then at most one backward, each finished by `result()`. */
export interface WorkerSnapshot {
  /** Starts the forward pass of `B` rows. @param s0 [D] @param actions [B * H*A] */
  forward(s0: Float32Array, actions: Float32Array, B: number, H: number): void;
  /** Starts the backward pass of the last forward's rows. @param dStates [(H+1)*B * D] time-major */
  backward(dStates: Float32Array): void;
  /** Waits for the pass started last: states [(H+1)*B * D] (time-major) or ∂L/∂a [B * H*A]. */
  result(): Float32Array;
  dispose(): void;
}

/**
 * One rollout worker. It starts at once and is waited for (up to `startMs`) at the first request; it does not keep
 * the process alive. Results are the same numbers as in this thread: each row's rollout does not depend on the others.
 */
export class RolloutWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
  private data = new Float32Array(new SharedArrayBuffer(0));
  private requests = 0;
  /** Values the pending request's result holds (0: none pending). */
  private pending = 0;
  private loaded = -1;
  /** The snapshot whose forward pass the worker holds for a backward pass (-1: none). */
  private forwarded = -1;
  private snapshots = 0;
  private shape = { D: 0, A: 0, B: 0, H: 0 };
  private startError = '';

  constructor(private readonly options: { backend?: string; startMs?: number; replyMs?: number } = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./rollout-worker.mjs', import.meta.url), {
      workerData: { control: this.control.buffer, port: port2, backend: options.backend ?? tf.getBackend() },
      transferList: [port2],
    });
    this.worker.on('error', (e) => {
      this.startError = e.message;
    });
    this.worker.unref();
    this.port.unref();
  }

  /** A snapshot of a residual MLP's weights (sent with its first forward). */
  snapshot(layers: LayerValues[], D: number, A: number): WorkerSnapshot {
    const id = this.snapshots++;
    let disposed = false;
    const live = (): void => {
      if (disposed) throw new Error('RolloutWorker: this snapshot is disposed');
    };
    return {
      forward: (s0, actions, B, H) => {
        live();
        const mail: WorkerMail = this.loaded === id ? {} : { weights: { layers, D, A } };
        this.shape = { D, A, B, H };
        this.request(KIND.forward, B, H, [s0, actions], (H + 1) * B * D, mail);
        this.loaded = id;
        this.forwarded = id;
      },
      backward: (dStates) => {
        live();
        if (this.forwarded !== id) throw new Error('RolloutWorker: a backward pass without its forward pass');
        const { D, A, B, H } = this.shape;
        if (dStates.length !== (H + 1) * B * D) throw new Error(`RolloutWorker: a backward pass of ${dStates.length} values after a forward pass of ${B} rows`);
        this.request(KIND.backward, B, H, [dStates], B * H * A, {});
        this.forwarded = -1;
      },
      result: () => this.reply(),
      dispose: () => {
        disposed = true;
      },
    };
  }

  /** Stops the worker. */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private request(kind: number, B: number, H: number, inputs: Float32Array[], results: number, mail: WorkerMail): void {
    if (this.pending) throw new Error('RolloutWorker: the previous request has no result yet');
    this.waitUntilReady();
    const size = Math.max(results, inputs.reduce((n, x) => n + x.length, 0));
    if (size > this.data.length) {
      this.data = new Float32Array(new SharedArrayBuffer(2 * size * Float32Array.BYTES_PER_ELEMENT));
      mail.buffer = this.data.buffer;
    }
    let offset = 0;
    for (const x of inputs) {
      this.data.set(x, offset);
      offset += x.length;
    }
    const mailed = mail.weights !== undefined || mail.buffer !== undefined;
    if (mailed) this.port.postMessage(mail);
    this.control[CONTROL.kind] = kind;
    this.control[CONTROL.rows] = B;
    this.control[CONTROL.horizon] = H;
    this.control[CONTROL.mail] = mailed ? 1 : 0;
    this.requests++;
    Atomics.store(this.control, CONTROL.request, this.requests);
    Atomics.notify(this.control, CONTROL.request);
    this.pending = results;
  }

  private reply(): Float32Array {
    if (!this.pending) throw new Error('RolloutWorker: no request to wait for');
    const results = this.pending;
    this.pending = 0;
    const deadline = performance.now() + (this.options.replyMs ?? 60_000);
    const spinUntil = performance.now() + SPIN_MS;
    for (;;) {
      const done = Atomics.load(this.control, CONTROL.response);
      if (done >= this.requests) break;
      const now = performance.now();
      if (now < spinUntil) continue;
      if (now >= deadline) throw new Error('RolloutWorker: no reply from the rollout worker');
      Atomics.wait(this.control, CONTROL.response, done, deadline - now);
    }
    if (this.control[CONTROL.failed]) {
      const message = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      throw new Error(`RolloutWorker: ${message?.error ?? 'the rollout worker failed'}`);
    }
    return this.data.slice(0, results);
  }

  private waitUntilReady(): void {
    const deadline = performance.now() + (this.options.startMs ?? 30_000);
    for (;;) {
      const state = Atomics.load(this.control, CONTROL.ready);
      if (state === READY.ready) return;
      if (state === READY.failed) {
        const message = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
        throw new Error(`RolloutWorker: the rollout worker failed to start: ${message?.error ?? this.startError}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`RolloutWorker: the rollout worker did not start${this.startError ? `: ${this.startError}` : ''}`);
      Atomics.wait(this.control, CONTROL.ready, state, Math.min(left, 50));
    }
  }
}
