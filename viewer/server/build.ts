// Builds the page with Vite when viewer/dist is missing or older than its sources, so `autonomy view` needs no build step.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The viewer folder: page sources, Vite config and (after a build) dist/; from the compiled dist/viewer/server/, the source one. */
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const VIEWER_DIR = [path.resolve(HERE, '..'), path.resolve(HERE, '..', '..', '..', 'viewer')].find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? path.resolve(HERE, '..');
export const DIST_DIR = path.join(VIEWER_DIR, 'dist');
/** Written into dist/ after a build: the hash of the sources it was built from. */
const STAMP = '.source-hash';
/** Scratch space for builds in progress (ignored by git, on the same disk as dist/ so a rename can swap them). */
const WORK_DIR = path.resolve(VIEWER_DIR, '..', 'node_modules', '.cache', 'autonomy-viewer');
const LOCK = path.join(WORK_DIR, 'build.lock');
/** A lock older than this is taken to be left by a killed build. */
const STALE_LOCK_MS = 180_000;

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full) : [full];
  });
}

/** Hash of everything the page is built from: its sources, the build config and the page libraries' versions. */
export function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [...listFiles(path.join(VIEWER_DIR, 'src')), ...['index.html', 'vite.config.ts', 'protocol.ts'].map((f) => path.join(VIEWER_DIR, f))].sort();
  for (const file of files) hash.update(path.relative(VIEWER_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  const root = path.resolve(VIEWER_DIR, '..');
  for (const lib of ['pixi.js', 'uplot', 'vite']) {
    const manifest = path.join(root, 'node_modules', lib, 'package.json');
    hash.update(`${lib}@${fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version : 'missing'}\0`);
  }
  return hash.digest('hex');
}

/** True when dist/ holds a build of the current sources. */
export function isViewerBuilt(): boolean {
  const stamp = path.join(DIST_DIR, STAMP);
  return fs.existsSync(path.join(DIST_DIR, 'index.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === sourceHash();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes the build lock, waiting while another process builds; returns false if that process finished the build. */
async function acquireLock(): Promise<boolean> {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  for (;;) {
    try {
      fs.closeSync(fs.openSync(LOCK, 'wx'));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { force: true });
    } catch {
      // The other build released the lock between the two calls.
    }
    await sleep(250);
    if (isViewerBuilt()) return false;
  }
}

/**
 * Makes sure viewer/dist is a build of the current sources, building it with Vite if not.
 * The build goes to a temporary folder that then replaces dist/, and a lock file keeps concurrent builds apart.
 * @returns the dist folder
 */
export async function ensureViewerBuilt(log: (line: string) => void = () => {}): Promise<string> {
  if (isViewerBuilt()) return DIST_DIR;
  if (!(await acquireLock())) return DIST_DIR;
  try {
    if (isViewerBuilt()) return DIST_DIR;
    log('autonomy: building the viewer page (once, after install or a change to viewer/)…');
    const hash = sourceHash();
    const tmp = path.join(WORK_DIR, `dist-${process.pid}`);
    const { build } = await import('vite');
    await build({ configFile: path.join(VIEWER_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    fs.writeFileSync(path.join(tmp, STAMP), hash);
    fs.rmSync(DIST_DIR, { recursive: true, force: true });
    fs.renameSync(tmp, DIST_DIR);
    return DIST_DIR;
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}
