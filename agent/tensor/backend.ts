// Picks the tfjs backend at start-up: tensorflow (tfjs-node) if it loads, else wasm, else cpu; a flag or env var overrides.
import * as tf from '@tensorflow/tfjs';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** Environment variable that overrides the automatic choice, like `--backend`. */
export const BACKEND_ENV = 'AUTONOMY_BACKEND';

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') await import('@tensorflow/tfjs-node' as string);
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? String(e);
  }
}

/**
 * Initialises tfjs on the requested backend, or the fastest one that loads.
 * @param requested a backend name, 'auto' or undefined (then $AUTONOMY_BACKEND, then auto)
 * @returns the backend in use
 */
export async function initBackend(requested?: string): Promise<BackendName> {
  const choice = requested ?? process.env[BACKEND_ENV] ?? 'auto';
  if (choice !== 'auto' && !(BACKENDS as readonly string[]).includes(choice)) {
    throw new Error(`unknown backend '${choice}'; choose one of auto, ${BACKENDS.join(', ')}`);
  }
  if (choice !== 'auto' && tf.getBackend() === choice) return choice as BackendName;
  const candidates = choice === 'auto' ? BACKENDS : [choice as BackendName];
  const failures: string[] = [];
  for (const name of candidates) {
    const error = await tryBackend(name);
    if (error === null) return name;
    failures.push(`${name}: ${error}`);
  }
  throw new Error(`could not initialise tfjs backend '${choice}': ${failures.join('; ')}`);
}
