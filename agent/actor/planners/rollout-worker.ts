// A rollout worker thread: its own tfjs on the planning thread's backend, serving synchronous forward and backward
// passes of the residual-MLP rollout on part of a batch (see rollout-worker-client.ts).
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../tensor/backend.ts';
import { rolloutBackward, rolloutForward, rolloutWeights, type RolloutWeights } from './residual-rollout.ts';
import { CONTROL, READY, type WorkerReply, type WorkerRequest } from './rollout-worker-client.ts';

const control = new Int32Array(workerData.control as SharedArrayBuffer);
const port = workerData.port as MessagePort;

function signal(slot: number, value: number): void {
  Atomics.store(control, slot, value);
  Atomics.notify(control, slot);
}

let started = true;
try {
  await initBackend(workerData.backend as string);
} catch (e) {
  port.postMessage({ error: (e as Error).message } satisfies WorkerReply);
  started = false;
}
signal(CONTROL.ready, started ? READY.ready : READY.failed);

let weights: RolloutWeights | null = null;
let hidden: tf.Tensor3D[] = [];
let rows = { B: 0, H: 0 };
let served = 0;
while (started) {
  Atomics.wait(control, CONTROL.request, served);
  const request = receiveMessageOnPort(port)?.message as WorkerRequest | undefined;
  served++;
  let reply: WorkerReply;
  try {
    if (!request) throw new Error('a request without a message');
    if (request.type === 'forward') {
      if (request.weights) {
        weights?.dispose();
        weights = rolloutWeights(request.weights.layers, request.weights.D, request.weights.A);
      }
      if (!weights) throw new Error('a forward pass before any weights');
      tf.dispose(hidden);
      rows = { B: request.B, H: request.H };
      const pass = rolloutForward(weights, request.s0, request.actions, request.B, request.H);
      hidden = pass.hidden;
      reply = { values: pass.states.dataSync() as Float32Array };
      pass.states.dispose();
    } else {
      if (!weights || hidden.length === 0) throw new Error('a backward pass without its forward pass');
      if (request.dStates.length !== (rows.H + 1) * rows.B * weights.D) throw new Error(`a backward pass of ${request.dStates.length} values after a forward pass of ${rows.B} rows`);
      reply = { values: rolloutBackward(weights, hidden, request.dStates, rows.B, rows.H) };
      tf.dispose(hidden);
      hidden = [];
    }
  } catch (e) {
    reply = { error: (e as Error).message };
  }
  port.postMessage(reply);
  signal(CONTROL.response, served);
}
