// Short-term memory: a fixed-capacity ring buffer of state-cost records, sampled as within-episode sub-sequences.
import fs from 'node:fs';
import type { Rng } from '../../world/rng.ts';
import type { MemoryRecord } from '../ports.ts';

export type { MemoryRecord };

export interface MemoryShape {
  capacity: number;
  observationSize: number;
  stateSize: number;
  actionSize: number;
  costNames: string[];
}

/** Batched fields of sampled sub-sequences, row-major [n, len, size]. */
export interface MemoryBatch {
  n: number;
  len: number;
  observations: Float32Array;
  states: Float32Array;
  actions: Float32Array;
  costs: Float32Array;
  done: Uint8Array;
  /** Buffer slots of the samples [n, len], for callers that need more fields. */
  slots: Int32Array;
}

const MAGIC = 'autonomy-memory';
const VERSION = 1;

export class ShortTermMemory {
  readonly shape: Readonly<MemoryShape>;
  private readonly observations: Float32Array;
  private readonly states: Float32Array;
  private readonly actions: Float32Array;
  private readonly costs: Float32Array;
  private readonly episodes: Int32Array;
  private readonly steps: Int32Array;
  private readonly dones: Uint8Array;
  /** Total records ever written; the next slot is written % capacity. */
  private written = 0;

  constructor(shape: MemoryShape) {
    if (!Number.isInteger(shape.capacity) || shape.capacity < 1) throw new RangeError(`memory capacity must be a positive integer, got ${shape.capacity}`);
    this.shape = Object.freeze({ ...shape, costNames: [...shape.costNames] });
    const c = shape.capacity;
    this.observations = new Float32Array(c * shape.observationSize);
    this.states = new Float32Array(c * shape.stateSize);
    this.actions = new Float32Array(c * shape.actionSize);
    this.costs = new Float32Array(c * shape.costNames.length);
    this.episodes = new Int32Array(c);
    this.steps = new Int32Array(c);
    this.dones = new Uint8Array(c);
  }

  /** Records currently held (at most the capacity). */
  get size(): number {
    return Math.min(this.written, this.shape.capacity);
  }

  get totalWritten(): number {
    return this.written;
  }

  record(r: MemoryRecord): void {
    const { observationSize, stateSize, actionSize, costNames } = this.shape;
    const check = (name: string, got: number, want: number): void => {
      if (got !== want) throw new RangeError(`memory record ${name} has length ${got}; expected ${want}`);
    };
    check('observation', r.observation.length, observationSize);
    check('state', r.state.length, stateSize);
    check('action', r.action.length, actionSize);
    check('costs', r.costs.length, costNames.length);
    const slot = this.written % this.shape.capacity;
    this.observations.set(r.observation, slot * observationSize);
    this.states.set(r.state, slot * stateSize);
    this.actions.set(r.action, slot * actionSize);
    this.costs.set(r.costs, slot * costNames.length);
    this.episodes[slot] = r.episode;
    this.steps[slot] = r.step;
    this.dones[slot] = r.done ? 1 : 0;
    this.written++;
  }

  /** Marks the latest record as its episode's last. */
  markDone(): void {
    if (this.written > 0) this.dones[(this.written - 1) % this.shape.capacity] = 1;
  }

  /** The slot of the record written `age` records ago (0 = latest). */
  private slotOf(order: number): number {
    return order % this.shape.capacity;
  }

  /** True when records order..order+len-1 are held, consecutive steps of one episode, with no episode end before the last. */
  private validStart(order: number, len: number): boolean {
    const oldest = this.written - this.size;
    if (order < oldest || order + len > this.written) return false;
    const first = this.slotOf(order);
    const episode = this.episodes[first];
    for (let k = 1; k < len; k++) {
      const prev = this.slotOf(order + k - 1);
      const slot = this.slotOf(order + k);
      if (this.dones[prev] || this.episodes[slot] !== episode || this.steps[slot] !== this.steps[prev]! + 1) return false;
    }
    return true;
  }

  /**
   * Samples n random sub-sequences of len consecutive ticks of one episode.
   * @throws when memory holds no such sub-sequence
   */
  sample(len: number, n: number, rng: Rng): MemoryBatch {
    const oldest = this.written - this.size;
    const starts = this.size - len + 1;
    if (starts <= 0) throw new Error(`short-term memory holds ${this.size} records; cannot sample sub-sequences of length ${len}`);
    const slots = new Int32Array(n * len);
    for (let i = 0; i < n; i++) {
      let order = -1;
      for (let attempt = 0; attempt < 1000 && order < 0; attempt++) {
        const candidate = oldest + rng.int(starts);
        if (this.validStart(candidate, len)) order = candidate;
      }
      if (order < 0) throw new Error(`short-term memory has no episode with ${len} consecutive ticks to sample`);
      for (let k = 0; k < len; k++) slots[i * len + k] = this.slotOf(order + k);
    }
    return this.gather(slots, n, len);
  }

  /** The most recent `count` records in order, as one sub-sequence batch row each of length 1. */
  latest(count: number): MemoryBatch {
    const m = Math.min(count, this.size);
    const slots = new Int32Array(m);
    for (let i = 0; i < m; i++) slots[i] = this.slotOf(this.written - m + i);
    return this.gather(slots, m, 1);
  }

  private gather(slots: Int32Array, n: number, len: number): MemoryBatch {
    const { observationSize, stateSize, actionSize, costNames } = this.shape;
    const pick = (src: Float32Array, size: number): Float32Array => {
      const out = new Float32Array(slots.length * size);
      slots.forEach((slot, i) => out.set(src.subarray(slot * size, slot * size + size), i * size));
      return out;
    };
    return {
      n,
      len,
      observations: pick(this.observations, observationSize),
      states: pick(this.states, stateSize),
      actions: pick(this.actions, actionSize),
      costs: pick(this.costs, costNames.length),
      done: Uint8Array.from(slots, (s) => this.dones[s]!),
      slots,
    };
  }

  /** Serialises the memory: a JSON header line, then the raw buffers. */
  toBuffer(): Buffer {
    const header = JSON.stringify({ format: MAGIC, version: VERSION, shape: this.shape, written: this.written });
    const parts = [this.observations, this.states, this.actions, this.costs, this.episodes, this.steps, this.dones];
    return Buffer.concat([Buffer.from(header + '\n'), ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]);
  }

  static fromBuffer(buffer: Buffer, source = 'memory'): ShortTermMemory {
    const newline = buffer.indexOf(10);
    let header: { format: string; version: number; shape: MemoryShape; written: number };
    try {
      header = JSON.parse(buffer.subarray(0, newline).toString('utf8'));
    } catch {
      throw new Error(`${source} is not a saved short-term memory (bad header)`);
    }
    if (header.format !== MAGIC || header.version !== VERSION) throw new Error(`${source} is not a version ${VERSION} short-term memory`);
    const memory = new ShortTermMemory(header.shape);
    let offset = newline + 1;
    const parts = [memory.observations, memory.states, memory.actions, memory.costs, memory.episodes, memory.steps, memory.dones];
    const expected = parts.reduce((n, p) => n + p.byteLength, 0);
    if (buffer.length - offset !== expected) throw new Error(`${source} is truncated: ${buffer.length - offset} bytes of data, expected ${expected}`);
    for (const p of parts) {
      new Uint8Array(p.buffer, p.byteOffset, p.byteLength).set(buffer.subarray(offset, offset + p.byteLength));
      offset += p.byteLength;
    }
    memory.written = header.written;
    return memory;
  }

  static load(file: string): ShortTermMemory {
    return ShortTermMemory.fromBuffer(fs.readFileSync(file), `'${file}'`);
  }
}
