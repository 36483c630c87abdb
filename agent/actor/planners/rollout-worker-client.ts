// A second thread for rollouts: a worker with its own tfjs runs the residual-MLP rollout on part of a batch while the
// planning thread runs the rest; calls are synchronous (the planners are), signalled with Atomics.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { LayerValues } from './residual-rollout.ts';

/** Slots of the shared control words. */
export const CONTROL = { request: 0, response: 1, ready: 2 } as const;
/** `ready` values. */
export const READY = { starting: 0, ready: 1, failed: 2 } as const;

export type WorkerRequest =
  | { type: 'forward'; weights?: { layers: LayerValues[]; D: number; A: number }; s0: Float32Array; actions: Float32Array; B: number; H: number }
  | { type: 'backward'; dStates: Float32Array };
export type WorkerReply = { values: Float32Array } | { error: string };

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
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  private requests = 0;
  private awaiting = false;
  private loaded = -1;
  /** The snapshot whose forward pass the worker holds for a backward pass (-1: none). */
  private forwarded = -1;
  private snapshots = 0;
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
        const weights = this.loaded === id ? undefined : { layers, D, A };
        this.request({ type: 'forward', ...(weights ? { weights } : {}), s0, actions, B, H });
        this.loaded = id;
        this.forwarded = id;
      },
      backward: (dStates) => {
        live();
        if (this.forwarded !== id) throw new Error('RolloutWorker: a backward pass without its forward pass');
        this.request({ type: 'backward', dStates });
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

  private request(message: WorkerRequest): void {
    if (this.awaiting) throw new Error('RolloutWorker: the previous request has no result yet');
    this.waitUntilReady();
    this.port.postMessage(message);
    this.requests++;
    Atomics.store(this.control, CONTROL.request, this.requests);
    Atomics.notify(this.control, CONTROL.request);
    this.awaiting = true;
  }

  private reply(): Float32Array {
    if (!this.awaiting) throw new Error('RolloutWorker: no request to wait for');
    this.awaiting = false;
    const deadline = performance.now() + (this.options.replyMs ?? 60_000);
    for (;;) {
      const done = Atomics.load(this.control, CONTROL.response);
      if (done >= this.requests) break;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error('RolloutWorker: no reply from the rollout worker');
      Atomics.wait(this.control, CONTROL.response, done, left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as WorkerReply | undefined;
    if (!reply) throw new Error('RolloutWorker: the rollout worker replied without a message');
    if ('error' in reply) throw new Error(`RolloutWorker: ${reply.error}`);
    return reply.values;
  }

  private waitUntilReady(): void {
    const deadline = performance.now() + (this.options.startMs ?? 30_000);
    for (;;) {
      const state = Atomics.load(this.control, CONTROL.ready);
      if (state === READY.ready) return;
      if (state === READY.failed) {
        const message = receiveMessageOnPort(this.port)?.message as WorkerReply | undefined;
        throw new Error(`RolloutWorker: the rollout worker failed to start: ${message && 'error' in message ? message.error : this.startError}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`RolloutWorker: the rollout worker did not start${this.startError ? `: ${this.startError}` : ''}`);
      Atomics.wait(this.control, CONTROL.ready, state, Math.min(left, 50));
    }
  }
}
