// Run recordings: a versioned JSON Lines file (header, then episode and tick records) and its tolerant reader.
import fs from 'node:fs';
import path from 'node:path';
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

/** Streams records to disk one line each; a crash leaves at most one truncated last line. */
export class RecordingWriter {
  private fd: number;
  private pending: string[] = [];

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens (and truncates) the file and writes the header; a missing folder is an error, not created silently. */
  static open(file: string, header: Omit<RecordingHeader, 'format' | 'version' | 'createdAt'>): RecordingWriter {
    const dir = path.dirname(path.resolve(file));
    if (!fs.existsSync(dir)) throw new Error(`cannot record to '${file}': folder '${dir}' does not exist`);
    const full: RecordingHeader = { format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header, createdAt: new Date().toISOString() };
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, JSON.stringify(full) + '\n');
    return new RecordingWriter(fd);
  }

  write(record: RecordingRecord): void {
    this.pending.push(JSON.stringify(record));
    if (this.pending.length >= 64) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join('\n') + '\n');
    this.pending = [];
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

export interface Recording {
  header: RecordingHeader;
  records: RecordingRecord[];
  /** True when the last line was cut short (for instance a run that was killed) and was skipped. */
  truncated: boolean;
}

/** Parses a recording's text; throws on a wrong format or version, tolerates a truncated last record. */
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
  const records: RecordingRecord[] = [];
  let truncated = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const isLast = i === lines.length - 1;
    try {
      records.push(JSON.parse(line) as RecordingRecord);
    } catch (e) {
      if (isLast && !endsClean) {
        truncated = true;
        break;
      }
      throw new Error(`${source} line ${i + 1} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return { header, records, truncated };
}

export function readRecording(file: string): Recording {
  return parseRecording(fs.readFileSync(file, 'utf8'), `'${file}'`);
}
