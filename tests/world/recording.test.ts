// Tests for recordings: streamed writes, identical ticks for identical runs, truncation and version checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSim } from '../../sims/index.ts';
import { parseRecording, readRecording, RecordingWriter } from '../../world/recording.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { scriptedPolicy } from '../../world/exploration.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-rec-'));

function record(file: string): void {
  const sim = getSim('two-rooms');
  const recorder = RecordingWriter.open(file, { sim: sim.name, seed: 4, arena: sim.arena, config: { agent: 'scripted' } });
  runEpisodes({ sim, policy: scriptedPolicy, episodes: 2, seed: 4, recorder });
  recorder.close();
}

describe('recording', () => {
  it('writes a header and one record per tick, identical after the header for the same seed', () => {
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    record(a);
    record(b);
    const ra = readRecording(a);
    expect(ra.header).toMatchObject({ format: 'autonomy-recording', version: 1, sim: 'two-rooms', seed: 4 });
    expect(ra.records.filter((r) => r.type === 'episode')).toHaveLength(2);
    const ticks = ra.records.filter((r) => r.type === 'tick');
    expect(ticks.length).toBeGreaterThan(20);
    expect(ticks.at(-1)).toMatchObject({ success: true });
    const body = (f: string): string => fs.readFileSync(f, 'utf8').split('\n').slice(1).join('\n');
    expect(body(b)).toBe(body(a));
  });

  it('tolerates a truncated last record and says so', () => {
    const a = path.join(dir, 'a.jsonl');
    record(a);
    const text = fs.readFileSync(a, 'utf8');
    const cut = parseRecording(text.slice(0, text.length - 25));
    const full = parseRecording(text);
    expect(cut.truncated).toBe(true);
    expect(full.truncated).toBe(false);
    expect(cut.records.length).toBe(full.records.length - 1);
  });

  it('rejects a wrong version or a foreign file with a clear message', () => {
    expect(() => parseRecording('{"format":"autonomy-recording","version":99}\n')).toThrow(/version 99; this autonomy reads version 1/);
    expect(() => parseRecording('hello\n')).toThrow(/not an autonomy recording/);
    expect(() => parseRecording('{"format":"other","version":1}\n')).toThrow(/format is 'other'/);
  });

  it('refuses to record into a folder that does not exist', () => {
    expect(() => RecordingWriter.open(path.join(dir, 'missing', 'x.jsonl'), { sim: 'reach', seed: 0, arena: { width: 1, height: 1 }, config: {} })).toThrow(/does not exist/);
  });
});
