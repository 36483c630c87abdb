// Short-term memory: ring-buffer capacity, within-episode sampling, and a save/restore round trip.
import { describe, expect, it } from 'vitest';
import { ShortTermMemory, type MemoryRecord } from '../../../agent/memory/short-term-memory.ts';
import { Rng } from '../../../world/rng.ts';

const shape = { capacity: 50, observationSize: 3, stateSize: 2, actionSize: 2, costNames: ['a', 'b'] };
const rec = (episode: number, step: number, done = false): MemoryRecord => ({
  observation: Float32Array.of(episode, step, 0),
  state: Float32Array.of(step, step),
  action: Float32Array.of(0.1, -0.1),
  costs: Float32Array.of(step, 1),
  episode,
  step,
  done,
});

function filled(): ShortTermMemory {
  const m = new ShortTermMemory(shape);
  for (let e = 0; e < 8; e++) for (let t = 0; t < 10; t++) m.record(rec(e, t, t === 9));
  return m;
}

describe('ShortTermMemory', () => {
  it('keeps at most its capacity, dropping the oldest records', () => {
    const m = filled();
    expect(m.size).toBe(50);
    expect(m.totalWritten).toBe(80);
    const latest = m.latest(50);
    expect(latest.observations[0]).toBe(3); // episode 3 is the oldest left
  });

  it('samples sub-sequences of consecutive ticks that never cross an episode boundary', () => {
    const m = filled();
    const batch = m.sample(4, 200, new Rng(1));
    for (let i = 0; i < batch.n; i++) {
      const episode = batch.observations[i * 4 * 3]!;
      for (let k = 0; k < 4; k++) {
        expect(batch.observations[(i * 4 + k) * 3]).toBe(episode);
        expect(batch.observations[(i * 4 + k) * 3 + 1]).toBe(batch.observations[i * 4 * 3 + 1]! + k);
      }
    }
    expect(() => m.sample(11, 1, new Rng(1))).toThrow(/no episode with 11 consecutive ticks/);
  });

  it('refuses records of the wrong shape', () => {
    const m = new ShortTermMemory(shape);
    expect(() => m.record({ ...rec(0, 0), state: Float32Array.of(1) })).toThrow(/state has length 1; expected 2/);
  });

  it('restores exactly what it saved', () => {
    const m = filled();
    const restored = ShortTermMemory.fromBuffer(m.toBuffer());
    expect(restored.size).toBe(m.size);
    expect(restored.sample(3, 20, new Rng(5))).toEqual(m.sample(3, 20, new Rng(5)));
    expect(() => ShortTermMemory.fromBuffer(m.toBuffer().subarray(0, 300))).toThrow(/truncated/);
  });
});
