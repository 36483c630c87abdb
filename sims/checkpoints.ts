// The trained checkpoints that ship with the sims, one folder per sim under sims/checkpoints/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SHIPPED_CHECKPOINTS = fileURLToPath(new URL('./checkpoints', import.meta.url));

/** The trained checkpoint folder shipped for a sim, when there is one. */
export function shippedCheckpoint(simName: string): string | undefined {
  const dir = path.join(SHIPPED_CHECKPOINTS, simName);
  return fs.existsSync(path.join(dir, 'checkpoint.json')) ? dir : undefined;
}
