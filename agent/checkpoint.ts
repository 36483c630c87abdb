// Checkpoints: every network, short-term memory and the config in one folder, written atomically, loaded exactly.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { ShortTermMemory } from './memory/short-term-memory.ts';

export const CHECKPOINT_FORMAT = 'autonomy-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MANIFEST = 'checkpoint.json';
const WEIGHTS = 'weights.bin';
const MEMORY = 'memory.bin';

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
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  memory: ShortTermMemory | null;
}

/**
 * Writes a checkpoint folder atomically: everything goes to a temporary sibling folder, which then replaces
 * `dir` by rename; a failure leaves the previous checkpoint untouched.
 */
export function saveCheckpoint(
  dir: string,
  meta: Record<string, unknown>,
  variables: readonly [string, tf.Variable][],
  memory: ShortTermMemory | null,
  /** More files to write into the folder (file name → contents), such as a metrics log. */
  extraFiles: Readonly<Record<string, string>> = {},
): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
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
    const manifest: CheckpointManifest = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, meta, tensors, hasMemory: memory !== null };
    fs.writeFileSync(path.join(tmp, WEIGHTS), Buffer.concat(chunks));
    if (memory) fs.writeFileSync(path.join(tmp, MEMORY), memory.toBuffer());
    for (const [name, contents] of Object.entries(extraFiles)) fs.writeFileSync(path.join(tmp, path.basename(name)), contents);
    fs.writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 1));
    const old = fs.existsSync(target) ? `${tmp}.old` : null;
    if (old) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Reads a checkpoint folder; a missing, foreign or damaged one throws saying which. */
export function loadCheckpoint(dir: string): Checkpoint {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`'${dir}' is not a checkpoint folder: ${MANIFEST} is missing`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointManifest;
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`'${dir}' is not an autonomy checkpoint (format '${String(manifest.format)}')`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new Error(`'${dir}' is checkpoint version ${manifest.version}; this autonomy reads version ${CHECKPOINT_VERSION}`);
  const raw = fs.readFileSync(path.join(dir, WEIGHTS));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const t of manifest.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + size > all.length) throw new Error(`'${dir}' weights are truncated at tensor '${t.name}'`);
    tensors.set(t.name, { shape: t.shape, values: all.slice(t.offset, t.offset + size) });
  }
  const memory = manifest.hasMemory ? ShortTermMemory.load(path.join(dir, MEMORY)) : null;
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
