// Checkpoints: every network, short-term memory and the config in one folder, written crash-safely, loaded exactly.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeFsError } from '../world/fs-errors.ts';
import { ShortTermMemory } from './memory/index.ts';

export const CHECKPOINT_FORMAT = 'autonomy-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MANIFEST = 'checkpoint.json';
const WEIGHTS = 'weights.bin';
const MEMORY = 'memory.bin';
/** Written first into a save's temporary folder and removed just before it becomes the checkpoint: "not finished". */
const PARTIAL = '.partial';
/** What a choice of folder should be, said in every refusal. */
const RIGHT = 'choose an empty or new folder, or an existing checkpoint folder';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into weights.bin. */
  offset: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Anything the owner needs to rebuild the same networks (sim, agent config, layout…). */
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
  hasMemory: boolean;
  /** The extra files saved with the checkpoint (absent in checkpoints written before it was recorded). */
  files?: string[];
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  memory: ShortTermMemory | null;
}

/** What a checkpoint target holds now: nothing, an empty folder, or a checkpoint of ours (which a save replaces). */
export type CheckpointTarget = { kind: 'absent' } | { kind: 'empty' } | { kind: 'checkpoint'; manifest: CheckpointManifest };

export interface CheckpointIoOptions {
  /** Where notes about recovered or removed leftovers of interrupted saves go (default: stderr). */
  notify?: (message: string) => void;
}

const defaultNotify = (message: string): void => console.error(`autonomy: ${message}`);

/**
 * Writes a checkpoint folder crash-safely. Everything goes to a temporary sibling folder `.<name>.tmp-XXXXXX`, which
 * then takes the place of `dir`. Only an absent path, an empty folder or a checkpoint of ours is ever replaced (see
 * checkCheckpointTarget). If the process dies between moving the old checkpoint aside (`….old`) and moving the new one
 * in, the next load or save puts the complete one back; leftovers of killed saves are removed by the next save.
 */
export function saveCheckpoint(
  dir: string,
  meta: Record<string, unknown>,
  variables: readonly [string, tf.Variable][],
  memory: ShortTermMemory | null,
  /** More files to write into the folder (file name → contents), such as a metrics log. */
  extraFiles: Readonly<Record<string, string>> = {},
  options: CheckpointIoOptions = {},
): void {
  const notify = options.notify ?? defaultNotify;
  const extras = Object.entries(extraFiles).map(([name, contents]) => [path.basename(name), contents] as const);
  const names = extras.map(([name]) => name);
  for (const name of names) {
    if ([MANIFEST, WEIGHTS, MEMORY, PARTIAL].includes(name)) throw new Error(`a checkpoint's extra file cannot be named '${name}': the checkpoint writes that file itself`);
  }
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const state = checkCheckpointTarget(dir, names, options);
  removeLeftovers(dir, notify);

  // Step 1. The new checkpoint in a temporary folder, marked partial until every file is on disk.
  const tensors: TensorEntry[] = [];
  let offset = 0;
  const chunks: Buffer[] = [];
  for (const [name, variable] of variables) {
    if (tensors.some((t) => t.name === name)) throw new Error(`checkpoint has two tensors named '${name}'`);
    const values = variable.dataSync() as Float32Array;
    tensors.push({ name, shape: [...variable.shape], offset });
    chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    offset += values.length;
  }
  const manifest: CheckpointManifest = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, meta, tensors, hasMemory: memory !== null, files: names };
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  const old = `${tmp}.old`;
  try {
    writeDurably(path.join(tmp, PARTIAL), CHECKPOINT_FORMAT);
    writeDurably(path.join(tmp, WEIGHTS), Buffer.concat(chunks));
    if (memory) writeDurably(path.join(tmp, MEMORY), memory.toBuffer());
    for (const [name, contents] of extras) writeDurably(path.join(tmp, name), contents);
    writeDurably(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 1));
    fs.unlinkSync(path.join(tmp, PARTIAL));

    // Step 2. The swap: the new folder takes the target's place; an old checkpoint is set aside, then removed.
    if (state.kind === 'checkpoint') fs.renameSync(target, old);
    if (state.kind === 'empty') fs.rmdirSync(target);
    fs.renameSync(tmp, target);
    syncFolder(parent);
  } catch (e) {
    // A failed save puts the old checkpoint back if it was set aside, and removes its temporary folder; whatever this
    // cannot do (the process dies, the disk refuses) the next load or save finishes.
    try {
      if (fs.existsSync(old) && !fs.existsSync(target)) fs.renameSync(old, target);
      if (fs.existsSync(tmp)) removeOurFolder(tmp);
    } catch {
      // Left for the next save to clean up.
    }
    throw e;
  }
  // Step 3. The old checkpoint goes; the save has succeeded even if it cannot (the next save removes it).
  if (fs.existsSync(old)) {
    try {
      removeOurFolder(old);
    } catch (e) {
      notify(`saved '${dir}', but could not remove the previous checkpoint set aside as '${path.basename(old)}' (${(e as Error).message}); the next save removes it`);
    }
  }
}

/**
 * Checks, before any work, that a checkpoint may be saved at `dir`: it is absent, an empty folder, or a checkpoint of
 * ours holding nothing else, and its folder can be created there. A checkpoint lost between the two renames of an
 * interrupted save is put back first. Throws naming the path and what would be right; never changes anything else.
 * @param extraFiles names of the extra files the save will write (an old checkpoint may hold them)
 */
export function checkCheckpointTarget(dir: string, extraFiles: readonly string[] = [], options: CheckpointIoOptions = {}): CheckpointTarget {
  const target = path.resolve(dir);
  const cwd = fs.realpathSync(process.cwd());
  const real = entry(target) && fs.existsSync(target) ? fs.realpathSync(target) : target;
  const holdsCwd = (t: string): boolean => t === path.parse(t).root || cwd === t || cwd.startsWith(t + path.sep);
  if (holdsCwd(target) || holdsCwd(real)) {
    throw new Error(`'${dir}' is the working folder or contains it (${target}); a save replaces its folder, so ${RIGHT}`);
  }
  recoverMissing(dir, options.notify ?? defaultNotify);
  const writable = (folder: string): void => {
    try {
      fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    } catch {
      throw new Error(`cannot save a checkpoint to '${dir}': the folder '${folder}' is not writable; ${RIGHT} where you may write`);
    }
  };
  const stat = entry(target);
  if (!stat) {
    let ancestor = path.dirname(target);
    let ancestorStat = entry(ancestor);
    while (!ancestorStat) {
      ancestor = path.dirname(ancestor);
      ancestorStat = entry(ancestor);
    }
    if (!ancestorStat.isDirectory()) throw new Error(`cannot save a checkpoint to '${dir}': '${ancestor}' is a file, not a folder; ${RIGHT}`);
    writable(ancestor);
    return { kind: 'absent' };
  }
  if (stat.isSymbolicLink()) throw new Error(`'${dir}' is a symbolic link; give the folder it points to, or ${RIGHT}`);
  if (!stat.isDirectory()) throw new Error(`'${dir}' is a file, not a checkpoint folder; saving there would destroy it, so ${RIGHT}`);
  writable(path.dirname(target));
  const entries = fs.readdirSync(target);
  if (entries.length === 0) return { kind: 'empty' };
  const manifest = readOurManifest(target);
  if (!manifest) {
    throw new Error(`'${dir}' is a folder that is not an autonomy checkpoint and is not empty (it holds ${list(entries)}); a save replaces its folder, so ${RIGHT}`);
  }
  const ours = new Set([MANIFEST, WEIGHTS, MEMORY, ...(manifest.files ?? []), ...extraFiles]);
  const foreign = fs.readdirSync(target, { withFileTypes: true }).filter((e) => !ours.has(e.name) || !e.isFile()).map((e) => e.name);
  if (foreign.length > 0) {
    throw new Error(`'${dir}' holds a checkpoint and also ${list(foreign)}, which a save would delete; move ${foreign.length === 1 ? 'it' : 'them'} out, or ${RIGHT}`);
  }
  return { kind: 'checkpoint', manifest };
}

const manifestSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number(),
  meta: z.record(z.string(), z.unknown()),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), offset: z.number().int().min(0) })),
  hasMemory: z.boolean(),
  files: z.array(z.string()).optional(),
});

/** What a failed read of `file` means, in words (no raw error codes). */
function cannotRead(file: string, e: unknown): Error {
  return new Error(`cannot read '${file}': ${describeFsError(e)}`);
}

/**
 * Reads and checks a checkpoint folder's manifest only (cheap: no weights, no memory); a missing, foreign or damaged
 * one throws naming the file and what is wrong. An interrupted save is recovered first.
 */
export function readCheckpointManifest(dir: string, options: CheckpointIoOptions = {}): CheckpointManifest {
  const notify = options.notify ?? defaultNotify;
  if (!entry(path.resolve(dir)) && !recoverMissing(dir, notify)) {
    const partial = leftovers(dir).filter((l) => isOurLeftover(l.path));
    if (partial.length > 0) {
      throw new Error(`'${dir}' is not a checkpoint folder: it does not exist, and ${list(partial.map((l) => l.name))} next to it ${partial.length === 1 ? 'is' : 'are'} what is left of a save that was killed before it finished (no complete checkpoint to recover); train again`);
    }
    throw new Error(`'${dir}' is not a checkpoint folder: it does not exist`);
  }
  if (!entry(path.resolve(dir))?.isDirectory()) throw new Error(`'${dir}' is not a checkpoint folder: it is a file`);
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`'${dir}' is not a checkpoint folder: ${MANIFEST} is missing`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw cannotRead(file, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`'${file}' is damaged: it is not valid JSON (${text.trim() === '' ? 'it is empty' : 'cut short or edited'}); train again, or restore the folder from a copy`);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== CHECKPOINT_FORMAT) throw new Error(`'${dir}' is not an autonomy checkpoint: ${MANIFEST} has format ${JSON.stringify(format) ?? 'undefined'}, expected '${CHECKPOINT_FORMAT}'`);
  const version = (value as { version?: unknown }).version;
  if (version !== CHECKPOINT_VERSION) throw new Error(`'${dir}' is checkpoint version ${String(version)}; this autonomy reads version ${CHECKPOINT_VERSION}`);
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`'${file}' is damaged: ${issue.path.join('.') || 'the manifest'}: ${issue.message}; train again, or restore the folder from a copy`);
  }
  return parsed.data as CheckpointManifest;
}

/** Reads a checkpoint folder; a missing, foreign or damaged one throws naming the file and what is wrong (an interrupted save is recovered first). */
export function loadCheckpoint(dir: string, options: CheckpointIoOptions = {}): Checkpoint {
  const manifest = readCheckpointManifest(dir, options);
  const weightsFile = path.join(dir, WEIGHTS);
  if (!fs.existsSync(weightsFile)) throw new Error(`'${dir}' is a damaged checkpoint: ${WEIGHTS} is missing`);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(weightsFile);
  } catch (e) {
    throw cannotRead(weightsFile, e);
  }
  if (raw.byteLength % 4 !== 0) throw new Error(`'${weightsFile}' is damaged: its ${raw.byteLength} bytes are not a whole number of 4-byte floats (cut short?)`);
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const t of manifest.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + size > all.length) throw new Error(`'${weightsFile}' is damaged: it is cut short at tensor '${t.name}' (${all.length} floats, the manifest needs ${t.offset + size})`);
    const values = all.slice(t.offset, t.offset + size);
    if (!values.every(Number.isFinite)) {
      throw new Error(`'${weightsFile}' is damaged: tensor '${t.name}' holds NaN or infinite values (a run that diverged?); train again or use an earlier checkpoint`);
    }
    tensors.set(t.name, { shape: t.shape, values });
  }
  const memoryFile = path.join(dir, MEMORY);
  if (manifest.hasMemory && !fs.existsSync(memoryFile)) throw new Error(`'${dir}' is a damaged checkpoint: ${MEMORY} is missing`);
  let memory: ShortTermMemory | null = null;
  if (manifest.hasMemory) {
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(memoryFile);
    } catch (e) {
      throw cannotRead(memoryFile, e);
    }
    memory = ShortTermMemory.fromBuffer(buffer, `'${memoryFile}'`);
  }
  return { manifest, tensors, memory };
}

/** Assigns checkpoint tensors to variables by name; every variable must be present with the same shape. */
export function assignVariables(checkpoint: Checkpoint, variables: readonly [string, tf.Variable][], source: string): void {
  for (const [name, variable] of variables) {
    const t = checkpoint.tensors.get(name);
    if (!t) throw new Error(`checkpoint '${source}' has no tensor '${name}'`);
    if (t.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`checkpoint '${source}' tensor '${name}' has shape [${t.shape.join(', ')}], the agent expects [${variable.shape.join(', ')}]`);
    }
    tf.tidy(() => variable.assign(tf.tensor(t.values, t.shape)));
  }
}

// Leftovers of interrupted saves: siblings named exactly as the writer names them, holding only what it writes.

interface Leftover {
  name: string;
  path: string;
  /** A checkpoint set aside by the swap (`….old`), rather than a save's new folder. */
  old: boolean;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The folders next to `dir` named like a save's temporary folder (mkdtemp's six characters) or its set-aside old one. */
function leftovers(dir: string): Leftover[] {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.tmp-[A-Za-z0-9]{6}(\\.old)?$`);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .filter((n) => pattern.test(n))
    .map((name) => ({ name, path: path.join(parent, name), old: name.endsWith('.old') }))
    .filter((l) => entry(l.path)?.isDirectory() === true);
}

/** The manifest of a folder if it is one of our checkpoints' (right format), else null. */
function readOurManifest(folder: string): CheckpointManifest | null {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, MANIFEST), 'utf8')) as CheckpointManifest;
    return manifest?.format === CHECKPOINT_FORMAT ? manifest : null;
  } catch {
    return null;
  }
}

/** True for a folder our writer made: only plain files, and our manifest or the partial mark (or nothing at all). */
function isOurLeftover(folder: string): boolean {
  const entries = fs.readdirSync(folder, { withFileTypes: true });
  if (entries.some((e) => !e.isFile())) return false;
  return entries.length === 0 || entries.some((e) => e.name === PARTIAL) || readOurManifest(folder) !== null;
}

/** The manifest of a leftover that is a whole checkpoint (finished, every file present and long enough), else null. */
function completeManifest(folder: string): CheckpointManifest | null {
  if (!isOurLeftover(folder) || fs.existsSync(path.join(folder, PARTIAL))) return null;
  const manifest = readOurManifest(folder);
  if (!manifest || manifest.version !== CHECKPOINT_VERSION || !Array.isArray(manifest.tensors)) return null;
  const weights = fs.statSync(path.join(folder, WEIGHTS), { throwIfNoEntry: false });
  const needed = manifest.tensors.reduce((n, t) => Math.max(n, 4 * (t.offset + t.shape.reduce((a, b) => a * b, 1))), 0);
  if (!weights || weights.size < needed) return null;
  if (manifest.hasMemory && !fs.existsSync(path.join(folder, MEMORY))) return null;
  if ((manifest.files ?? []).some((f) => !fs.existsSync(path.join(folder, f)))) return null;
  return manifest;
}

/**
 * When `dir` is missing but a save was killed between its two renames, moves the complete checkpoint it left (the new
 * one if whole, else the old one) back to `dir` and says so. @returns whether a checkpoint was put back
 */
function recoverMissing(dir: string, notify: (message: string) => void): boolean {
  const target = path.resolve(dir);
  if (entry(target)) return false;
  const complete = leftovers(dir)
    .filter((l) => completeManifest(l.path) !== null)
    .sort((a, b) => Number(a.old) - Number(b.old) || fs.statSync(path.join(b.path, MANIFEST)).mtimeMs - fs.statSync(path.join(a.path, MANIFEST)).mtimeMs);
  const best = complete[0];
  if (!best) return false;
  fs.renameSync(best.path, target);
  notify(`'${dir}' was missing after an interrupted save; restored the ${best.old ? 'previous' : 'newly saved'} checkpoint from '${best.name}'`);
  return true;
}

/** Removes the leftovers of interrupted saves to `dir` (only folders our writer made), saying so. */
function removeLeftovers(dir: string, notify: (message: string) => void): void {
  for (const l of leftovers(dir)) {
    if (!isOurLeftover(l.path)) continue;
    removeOurFolder(l.path);
    notify(`removed '${l.name}', left next to '${dir}' by an interrupted save`);
  }
}

/** Deletes a folder our writer made, file by file, the manifest and the partial mark last so it stays recognisable. */
function removeOurFolder(folder: string): void {
  const last = [MANIFEST, PARTIAL];
  const entries = fs.readdirSync(folder).sort((a, b) => last.indexOf(a) - last.indexOf(b));
  for (const name of entries) {
    fs.unlinkSync(path.join(folder, name));
  }
  fs.rmdirSync(folder);
}

/** Writes a new file and flushes it to disk before returning. */
function writeDurably(file: string, contents: string | Buffer): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a folder's entries (its renames) to disk where the platform allows it. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot open or sync a folder; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The path's own status (a link is not followed), or undefined when nothing is there (or a parent is a file). */
function entry(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

const list = (names: readonly string[]): string => {
  const shown = names.slice(0, 5).map((n) => `'${n}'`).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
};
