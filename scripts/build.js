// `npm run build`: compiles the library and the CLI to dist/ (JavaScript and .d.ts), with the plain-JavaScript module hooks beside them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

// Step 1. A clean tree: nothing of a previous build (a file since removed) survives.
fs.rmSync(dist, { recursive: true, force: true });

// Step 2. TypeScript → JavaScript and declarations (relative .ts imports are rewritten to .js).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// Step 3. Files tsc does not emit: the module hooks (loaded as JavaScript on their own thread) and the native import.
for (const file of ['agent/harness/plugin-hooks.js', 'agent/harness/native-import.cjs']) {
  fs.copyFileSync(path.join(root, file), path.join(dist, file));
}
console.log(`built ${path.relative(process.cwd(), dist) || 'dist'}/ (bin/autonomy.js runs it while it is newer than the sources)`);
