// Run recordings: a versioned JSON Lines file (header, episode and tick records, an end record), written to a temporary file and renamed when done; its reader checks every record.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeFsError } from './fs-errors.ts';
import type { Overlay } from './overlay.ts';
import type { Pose, SceneSpec, Vec, WorldSnapshot, WorldState } from './sim.ts';

export const RECORDING_FORMAT = 'autonomy-recording';
export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  version: number;
  sim: string;
  seed: number;
  config: Record<string, unknown>;
  arena: { width: number; height: number };
  /** The only wall-clock value in a recording. */
  createdAt: string;
}

export interface EpisodeRecord {
  type: 'episode';
  episode: number;
  seed: number;
  scene: SceneSpec;
}

export interface TickRecord extends WorldSnapshot {
  type: 'tick';
  episode: number;
  step: number;
  /** The actions applied on this tick, one per agent. */
  actions: number[][];
  /** Cost name → value for this tick, when the agent reports costs. */
  costs?: Record<string, number>;
  overlay?: Overlay;
  success: boolean;
}

export type RecordingRecord = EpisodeRecord | TickRecord;

/** The last line of a recording written by this version: how the run ended. */
export interface EndRecord {
  type: 'end';
  /** True when the run was stopped (Ctrl-C) before its episodes were done: the recording holds what was run. */
  interrupted: boolean;
  /** Tick records in the file. */
  ticks: number;
}

/** Rounds to 1/1000: recordings and viewer frames carry positions at this precision. */
export const round = (v: number): number => Math.round(v * 1000) / 1000;
const pose = (p: Pose): Pose => ({ x: round(p.x), y: round(p.y), angle: round(p.angle) });
const point = (p: Vec): Vec => ({ x: round(p.x), y: round(p.y) });

/** Where everything is after a step, rounded: the body part of a tick record or a viewer frame. */
export function worldSnapshot(state: WorldState): WorldSnapshot {
  return {
    agents: state.agents.map(pose),
    blocks: state.blocks.map(pose),
    food: state.food.map(point),
    goals: state.goals.map(point),
  };
}

/** Builds a tick record from the world state after a step (positions rounded to 1/1000 px). */
export function tickRecord(
  episode: number,
  state: WorldState,
  actions: readonly ArrayLike<number>[],
  success: boolean,
  extra: { costs?: Record<string, number>; overlay?: Overlay } = {},
): TickRecord {
  return {
    type: 'tick',
    episode,
    step: state.step,
    ...worldSnapshot(state),
    actions: actions.map((a) => Array.from(a, round)),
    ...(extra.costs ? { costs: extra.costs } : {}),
    ...(extra.overlay ? { overlay: extra.overlay } : {}),
    success,
  };
}

export interface RecordingOpenOptions {
  /** Replace an existing file that is not a recording of ours (never a folder). */
  force?: boolean;
}

/**
 * Streams records to a temporary file next to the target, which takes the target's place only when the run ends
 * (close): a run that fails or is killed never touches the file already there. Only a recording of ours is replaced,
 * unless `force`.
 */
export class RecordingWriter {
  private fd: number | null;
  private pending: string[] = [];
  private ticks = 0;

  private constructor(
    private readonly file: string,
    private readonly tmp: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Checks the target, then opens the temporary file and writes the header; a missing folder is an error, not created silently. */
  static open(file: string, header: Omit<RecordingHeader, 'format' | 'version' | 'createdAt'>, options: RecordingOpenOptions = {}): RecordingWriter {
    const target = path.resolve(file);
    const dir = path.dirname(target);
    if (!fs.existsSync(dir)) throw new Error(`cannot record to '${file}': folder '${dir}' does not exist`);
    checkRecordingTarget(file, options);
    removeStaleTemporaries(target);
    const full: RecordingHeader = { format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header, createdAt: new Date().toISOString() };
    const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    let fd: number;
    try {
      fd = fs.openSync(tmp, 'wx');
    } catch (e) {
      throw new Error(`cannot record to '${file}': cannot create a file in '${dir}' (${describeFsError(e)})`);
    }
    const writer = new RecordingWriter(file, tmp, fd);
    writer.append(JSON.stringify(full) + '\n');
    return writer;
  }

  write(record: RecordingRecord): void {
    this.pending.push(JSON.stringify(record));
    if (record.type === 'tick') this.ticks++;
    if (this.pending.length >= 64) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending.join('\n') + '\n';
    this.pending = [];
    this.append(lines);
  }

  /**
   * Ends the recording: flushes every buffered record, writes the end record (interrupted or not), and moves the file
   * into place. @param interrupted the run was stopped before its episodes were done
   */
  close(options: { interrupted?: boolean } = {}): void {
    const end: EndRecord = { type: 'end', interrupted: options.interrupted ?? false, ticks: this.ticks };
    this.pending.push(JSON.stringify(end));
    this.flush();
    const fd = this.fd!;
    this.fd = null;
    try {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(this.tmp, this.file);
    } catch (e) {
      this.removeTemporary();
      throw new Error(`cannot finish the recording '${this.file}': ${describeFsError(e)}; the file that was there is unchanged`);
    }
  }

  /** Gives the recording up (the run failed): removes the temporary file; the file already at the target is untouched. */
  abort(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Closed already, or the disk is gone; the file is removed below either way.
      }
      this.fd = null;
    }
    this.removeTemporary();
  }

  private append(text: string): void {
    if (this.fd === null) throw new Error(`the recording '${this.file}' is already closed`);
    try {
      fs.writeSync(this.fd, text);
    } catch (e) {
      throw new Error(`cannot write the recording '${this.file}': ${describeFsError(e)}`);
    }
  }

  private removeTemporary(): void {
    try {
      fs.unlinkSync(this.tmp);
    } catch {
      // Already gone.
    }
  }
}

/** Refuses, before any work, a target that recording would destroy: a folder, or a file that is not a recording of ours (unless force). */
export function checkRecordingTarget(file: string, options: RecordingOpenOptions = {}): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`cannot record to '${file}': ${describeFsError(e)}`);
  }
  if (stat.isDirectory()) throw new Error(`cannot record to '${file}': it is a folder; give a file name, such as '${path.join(file, 'run.jsonl')}'`);
  if (options.force || isRecording(file)) return;
  throw new Error(`'${file}' exists and is not an autonomy recording; recording there would destroy it, so choose another file name, or pass --force to replace it`);
}

/** Removes the temporary files of recordings to `target` whose process is gone (a run that was killed). */
function removeStaleTemporaries(target: string): void {
  const base = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${base}\\.tmp-(\\d+)-[a-z0-9]+$`);
  for (const name of fs.readdirSync(path.dirname(target))) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    try {
      fs.unlinkSync(path.join(path.dirname(target), name));
    } catch {
      // Someone else removed it, or it cannot be removed; it harms nothing.
    }
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** True when the file starts with a recording header of ours (any version). */
function isRecording(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, n).toString('utf8').split('\n')[0]!;
    return (JSON.parse(first) as { format?: unknown } | null)?.format === RECORDING_FORMAT;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface Recording {
  header: RecordingHeader;
  records: RecordingRecord[];
  /** True when the last line was cut short (for instance a run that was killed) and was skipped. */
  truncated: boolean;
  /** How the run ended, from the end record; null for a recording without one (written before it was added, or cut short). */
  end: EndRecord | null;
}

// The shapes of records, checked line by line when a recording is read.
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const vec = z.object({ x: finite, y: finite });
const poseSchema = vec.extend({ angle: finite });
const overlay = z.object({
  lines: z.array(z.object({ points: z.array(finite), color: z.string().optional(), label: z.string().optional() })).optional(),
  points: z.array(vec.extend({ color: z.string().optional(), label: z.string().optional() })).optional(),
  labels: z.array(vec.extend({ text: z.string() })).optional(),
  badge: z.string().optional(),
});
const scene = z.object({
  walls: z.array(vec.extend({ width: finite, height: finite })),
  agents: z.array(vec),
  goals: z.array(vec),
  blocks: z.array(poseSchema.extend({ shape: z.enum(['box', 't']), size: finite })),
  targets: z.array(poseSchema),
  food: z.array(vec),
  meta: z.record(z.string(), z.number()),
});
const count = z.number().int().min(0);
const recordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('episode'), episode: count, seed: count, scene }),
  z.object({
    type: z.literal('tick'),
    episode: count,
    step: count,
    agents: z.array(poseSchema).min(1),
    blocks: z.array(poseSchema),
    food: z.array(vec),
    goals: z.array(vec),
    actions: z.array(z.array(z.number())),
    // A NaN cost is written as null by JSON.
    costs: z.record(z.string(), z.number().nullable()).optional(),
    overlay: overlay.optional(),
    success: z.boolean(),
  }),
  z.object({ type: z.literal('end'), interrupted: z.boolean(), ticks: count }),
]);
const headerSchema = z.object({
  sim: z.string(),
  seed: count,
  config: z.record(z.string(), z.unknown()),
  arena: z.object({ width: finite.pipe(z.number().positive()), height: finite.pipe(z.number().positive()) }),
});

/** The first problem zod found, as `path: message`. */
const firstIssue = (error: z.ZodError): string => {
  const issue = error.issues[0]!;
  return `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
};

/** Parses a recording's text, checking every record's shape; throws naming the line, tolerates a truncated last record. */
export function parseRecording(text: string, source = 'recording'): Recording {
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n');
  if (endsClean) lines.pop();
  const first = lines[0];
  let header: RecordingHeader;
  try {
    header = JSON.parse(first ?? '') as RecordingHeader;
  } catch {
    throw new Error(`${source} is not an autonomy recording: its first line is not a JSON header`);
  }
  if (header.format !== RECORDING_FORMAT) {
    throw new Error(`${source} is not an autonomy recording: format is '${String(header.format)}', expected '${RECORDING_FORMAT}'`);
  }
  if (header.version !== RECORDING_VERSION) {
    throw new Error(`${source} has recording version ${String(header.version)}; this autonomy reads version ${RECORDING_VERSION} only`);
  }
  const checkedHeader = headerSchema.safeParse(header);
  if (!checkedHeader.success) throw new Error(`${source} line 1, the header, is damaged: ${firstIssue(checkedHeader.error)}`);
  const records: RecordingRecord[] = [];
  let truncated = false;
  let end: EndRecord | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (isLast && !endsClean) {
        truncated = true;
        break;
      }
      throw new Error(`${source} line ${i + 1} is damaged: it is not valid JSON${line.trim() === '' ? ' (an empty line)' : ''}`);
    }
    const checked = recordSchema.safeParse(value);
    if (!checked.success) {
      const type = (value as { type?: unknown } | null)?.type;
      const what = ({ episode: 'an episode record', tick: 'a tick record', end: 'an end record' } as Record<string, string>)[String(type)] ?? 'a record';
      throw new Error(`${source} line ${i + 1} is damaged: ${what} with ${firstIssue(checked.error)} (expected episode, tick and end records as \`autonomy run --record\` writes them)`);
    }
    const record = checked.data;
    if (end) throw new Error(`${source} line ${i + 1} is damaged: a record after the end record`);
    if (record.type === 'end') end = record;
    else records.push(record as RecordingRecord);
  }
  return { header, records, truncated, end };
}

/** Reads and checks a recording file; every error names the file (and the line). */
export function readRecording(file: string): Recording {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the recording '${file}': ${describeFsError(e)}`);
  }
  return parseRecording(text, `'${file}'`);
}
