#!/usr/bin/env node
// Entry point of the `autonomy` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
// Plug-in loading (agent/harness/plugins.ts) reads this to know tsx is in place.
globalThis[Symbol.for('autonomy.tsx')] = true;
await import('./cli.ts');
