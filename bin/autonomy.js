#!/usr/bin/env node
// Entry point of the `autonomy` command: the compiled CLI (dist/, from `npm run build`) when it is current, else the TypeScript sources through tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'bin', 'cli.js');

/** The newest modification time (ms) of the TypeScript sources dist/ is compiled from. */
function newestSource() {
  let newest = 0;
  const visit = (entry) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(entry)) if (name !== 'checkpoints' && name !== 'dist' && name !== 'src') visit(path.join(entry, name));
    } else if (entry.endsWith('.ts') || entry.endsWith('.js') || entry.endsWith('.cjs')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const part of ['index.ts', 'agent', 'world', 'sims', 'bin', 'viewer/server', 'viewer/protocol.ts']) {
    if (fs.existsSync(path.join(root, part))) visit(path.join(root, part));
  }
  return newest;
}

/** dist/ when built, and, in a git checkout (where sources change), built after the last source change. */
function useCompiled() {
  if (process.env.AUTONOMY_SOURCE === '1' || !fs.existsSync(compiled)) return false;
  if (!fs.existsSync(path.join(root, '.git'))) return true;
  if (fs.statSync(compiled).mtimeMs >= newestSource()) return true;
  console.error('autonomy: dist/ is older than the sources, so they run through tsx (`npm run build` refreshes it)');
  return false;
}

if (useCompiled()) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // Plug-in loading (agent/harness/plugins.ts) reads this to know tsx is in place.
  globalThis[Symbol.for('autonomy.tsx')] = true;
  await import('./cli.ts');
}
