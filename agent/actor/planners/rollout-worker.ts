// A rollout worker thread: its own tfjs on the planning thread's backend, serving synchronous forward and backward
// passes of the residual-MLP rollout on part of a batch (see rollout-worker-client.ts for the protocol).
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../tensor/backend.ts';
import { rolloutBackward, rolloutForward, rolloutWeights, type RolloutWeights } from './residual-rollout.ts';
import { CONTROL, KIND, READY, SPIN_MS, type WorkerMail } from './rollout-worker-client.ts';

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
  port.postMessage({ error: (e as Error).message });
  started = false;
}
signal(CONTROL.ready, started ? READY.ready : READY.failed);

let data = new Float32Array(new SharedArrayBuffer(0));
let weights: RolloutWeights | null = null;
let hidden: tf.Tensor3D[] = [];
let rows = { B: 0, H: 0 };
let served = 0;
while (started) {
  // Wait for the next request: poll briefly (the next one usually follows within a millisecond), then sleep.
  const spinUntil = performance.now() + SPIN_MS;
  while (Atomics.load(control, CONTROL.request) === served && performance.now() < spinUntil);
  Atomics.wait(control, CONTROL.request, served);
  served++;
  try {
    if (control[CONTROL.mail]) {
      const mail = receiveMessageOnPort(port)?.message as WorkerMail | undefined;
      if (!mail) throw new Error('a request without its message');
      if (mail.buffer) data = new Float32Array(mail.buffer);
      if (mail.weights) {
        weights?.dispose();
        weights = rolloutWeights(mail.weights.layers, mail.weights.D, mail.weights.A);
      }
    }
    if (!weights) throw new Error('a request before any weights');
    const { D, A } = weights;
    const B = control[CONTROL.rows]!;
    const H = control[CONTROL.horizon]!;
    if (control[CONTROL.kind] === KIND.forward) {
      tf.dispose(hidden);
      rows = { B, H };
      const pass = rolloutForward(weights, data.subarray(0, D), data.subarray(D, D + B * H * A), B, H);
      hidden = pass.hidden;
      data.set(pass.states.dataSync());
      pass.states.dispose();
    } else {
      if (hidden.length === 0 || B !== rows.B || H !== rows.H) throw new Error('a backward pass without its forward pass');
      const da = rolloutBackward(weights, hidden, data.subarray(0, (H + 1) * B * D), B, H);
      data.set(da);
      tf.dispose(hidden);
      hidden = [];
    }
    control[CONTROL.failed] = 0;
  } catch (e) {
    control[CONTROL.failed] = 1;
    port.postMessage({ error: (e as Error).message });
  }
  signal(CONTROL.response, served);
}
