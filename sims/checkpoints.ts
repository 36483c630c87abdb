// The trained checkpoints that ship with the sims, one folder per sim under sims/checkpoints/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** sims/checkpoints/, beside this file in the sources, two levels up from the compiled dist/sims/. */
const SHIPPED_CHECKPOINTS = [new URL('./checkpoints', import.meta.url), new URL('../../sims/checkpoints', import.meta.url)].map((u) => fileURLToPath(u)).find((dir) => fs.existsSync(dir)) ?? '';

/** The trained checkpoint folder shipped for a sim, when there is one. */
export function shippedCheckpoint(simName: string): string | undefined {
  const dir = path.join(SHIPPED_CHECKPOINTS, simName);
  return fs.existsSync(path.join(dir, 'checkpoint.json')) ? dir : undefined;
}
