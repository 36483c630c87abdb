// Entry of a rollout worker thread: registers tsx (TypeScript) in this thread, then runs rollout-worker.ts; a failure
// to start is reported to the planning thread (control slot 2 = 2, and the error on the port) instead of hanging it.
import { workerData } from 'node:worker_threads';

try {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./rollout-worker.ts');
} catch (e) {
  workerData.port.postMessage({ error: String(e instanceof Error ? e.message : e) });
  const control = new Int32Array(workerData.control);
  Atomics.store(control, 2, 2);
  Atomics.notify(control, 2);
}
