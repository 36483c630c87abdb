// The files a queued job reads or writes, as references any worker can resolve: under the shared --artifacts folder, inside the package, or an absolute path; with fingerprints that show when a worker sees other contents.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What a machine resolves references against: its view of the shared folder (if any) and its installation. */
export interface FileContext {
  /** The shared folder every worker mounts (`--artifacts`), on this machine. */
  artifacts?: string;
  /** This installation's root (shipped checkpoints, examples). */
  packageRoot: string;
}

const ARTIFACTS = '@artifacts/';
const PACKAGE = '@package/';

const inside = (file: string, dir: string): string | null => {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : rel === '' ? '.' : null;
};

/** A file of this machine as a reference: `@artifacts/…` under the shared folder, `@package/…` inside the installation, else its absolute path. */
export function toReference(file: string, context: FileContext): string {
  const shared = context.artifacts ? inside(file, context.artifacts) : null;
  if (shared !== null) return ARTIFACTS + shared;
  const own = inside(file, context.packageRoot);
  if (own !== null && !own.startsWith('node_modules/')) return PACKAGE + own;
  return path.resolve(file);
}

/** A reference as a path on this machine; throws, in words, when this machine cannot resolve it. */
export function fromReference(reference: string, context: FileContext): string {
  if (reference.startsWith(ARTIFACTS)) {
    if (!context.artifacts) throw new NoArtifactsError(reference);
    return path.join(context.artifacts, reference.slice(ARTIFACTS.length));
  }
  if (reference.startsWith(PACKAGE)) return path.join(context.packageRoot, reference.slice(PACKAGE.length));
  return reference;
}

/** A job needs the shared folder, and this worker was started without --artifacts: another worker may have it. */
export class NoArtifactsError extends Error {
  constructor(readonly reference: string) {
    super(`a job reads or writes '${reference}' in the shared folder, and this worker was started without --artifacts DIR (where this machine mounts that folder)`);
    this.name = 'NoArtifactsError';
  }
}

const cache = new Map<string, { stamp: string; fingerprint: string }>();

/** Size and modification time of a file, or of each file of a folder: what says a cached fingerprint still holds. */
function stamp(target: string, stat: fs.Stats): string {
  if (!stat.isDirectory()) return `${stat.size}:${stat.mtimeMs}`;
  return fs
    .readdirSync(target, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const s = fs.statSync(path.join(target, e.name));
      return `${e.name}:${s.size}:${s.mtimeMs}`;
    })
    .sort()
    .join('|');
}

/**
 * The SHA-256 of a file, or of a folder's files (names and contents, top level only, as a checkpoint is laid out);
 * null when the path does not exist. Cached per path while sizes and modification times stay the same.
 */
export function fingerprint(target: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return null;
  }
  const now = stamp(target, stat);
  const cached = cache.get(target);
  if (cached && cached.stamp === now) return cached.fingerprint;
  const hash = crypto.createHash('sha256');
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(target, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort()) {
      hash.update(`${name}\0`);
      hash.update(crypto.createHash('sha256').update(fs.readFileSync(path.join(target, name))).digest('hex'));
    }
  } else {
    hash.update(fs.readFileSync(target));
  }
  const value = hash.digest('hex').slice(0, 32);
  cache.set(target, { stamp: now, fingerprint: value });
  return value;
}
