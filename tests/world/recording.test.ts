// Tests for recordings: streamed writes, identical ticks for identical runs, truncation, version and record checks, and a writer that never destroys a file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
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
    // Without its end record (as a recording killed mid-write, or written before end records), then cut inside the last tick.
    const text = fs.readFileSync(a, 'utf8').trimEnd().split('\n').slice(0, -1).join('\n') + '\n';
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

  it('ends with an end record: complete, or interrupted with every buffered tick flushed', () => {
    const complete = path.join(dir, 'complete.jsonl');
    record(complete);
    const read = readRecording(complete);
    expect(read.end).toEqual({ type: 'end', interrupted: false, ticks: read.records.filter((r) => r.type === 'tick').length });
    const file = path.join(dir, 'interrupted.jsonl');
    const sim = getSim('two-rooms');
    const recorder = RecordingWriter.open(file, { sim: sim.name, seed: 4, arena: sim.arena, config: {} });
    let ticks = 0;
    runEpisodes({ sim, policy: scriptedPolicy, episodes: 5, seed: 4, recorder, onTick: () => ticks++, stop: () => ticks === 100 });
    recorder.close({ interrupted: true });
    const cut = readRecording(file);
    expect(cut.end).toEqual({ type: 'end', interrupted: true, ticks: 100 });
    expect(cut.records.filter((r) => r.type === 'tick')).toHaveLength(100);
  });

  it('leaves the file already there untouched when a run fails, and leaves no temporary file', () => {
    const file = path.join(dir, 'kept.jsonl');
    record(file);
    const before = fs.readFileSync(file);
    const sim = getSim('reach');
    const recorder = RecordingWriter.open(file, { sim: sim.name, seed: 0, arena: sim.arena, config: {} });
    expect(() => runEpisodes({ sim, policy: () => ({ act: () => { throw new Error('policy failed'); } }), episodes: 1, seed: 0, recorder })).toThrow('policy failed');
    recorder.abort();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('replaces only a recording: a folder or another file is refused, naming it, unless --force for a file', () => {
    const header = { sim: 'reach', seed: 0, arena: { width: 1, height: 1 }, config: {} };
    const notes = path.join(dir, 'checkpoint.json');
    fs.writeFileSync(notes, '{"format":"autonomy-checkpoint"}');
    expect(() => RecordingWriter.open(notes, header)).toThrow(`'${notes}' exists and is not an autonomy recording; recording there would destroy it, so choose another file name, or pass --force to replace it`);
    expect(fs.readFileSync(notes, 'utf8')).toBe('{"format":"autonomy-checkpoint"}');
    expect(() => RecordingWriter.open(dir, header)).toThrow(`cannot record to '${dir}': it is a folder; give a file name, such as '${path.join(dir, 'run.jsonl')}'`);
    RecordingWriter.open(notes, header, { force: true }).close();
    expect(readRecording(notes).end).toMatchObject({ interrupted: false, ticks: 0 });
  });

  it('removes the temporary file of a recording whose process is gone', () => {
    const file = path.join(dir, 'stale.jsonl');
    // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
    const stale = path.join(dir, `.stale.jsonl.tmp-${2 ** 22 + 1}-abc123`);
    const live = path.join(dir, `.stale.jsonl.tmp-${process.pid}-abc123`);
    fs.writeFileSync(stale, 'x');
    fs.writeFileSync(live, 'x');
    RecordingWriter.open(file, { sim: 'reach', seed: 0, arena: { width: 1, height: 1 }, config: {} }).close();
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    fs.unlinkSync(live);
  });

  it('checks every record and names the line of a damaged one', () => {
    const file = path.join(dir, 'checked.jsonl');
    record(file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const tick = JSON.parse(lines[2]!) as Record<string, unknown>;
    const damaged = (i: number, line: string): string => [...lines.slice(0, i), line, ...lines.slice(i + 1)].join('\n');
    expect(() => parseRecording(damaged(2, JSON.stringify({ ...tick, agents: [{ x: 'left', y: 0, angle: 0 }] })), "'f'")).toThrow(
      "'f' line 3 is damaged: a tick record with agents.0.x: ",
    );
    expect(() => parseRecording(damaged(1, JSON.stringify({ type: 'episode', episode: 0, seed: 4 })), "'f'")).toThrow(/^'f' line 2 is damaged: an episode record with scene: /);
    expect(() => parseRecording(damaged(3, '{"type":"frame"}'), "'f'")).toThrow(/^'f' line 4 is damaged: a record with type: /);
    expect(() => parseRecording(damaged(2, ''), "'f'")).toThrow("'f' line 3 is damaged: it is not valid JSON (an empty line)");
    expect(() => parseRecording(damaged(0, JSON.stringify({ format: 'autonomy-recording', version: 1, sim: 'reach' })), "'f'")).toThrow(/^'f' line 1, the header, is damaged: /);
  });

  it('says in words that the disk is full, and a failed recording leaves the previous one as it was', () => {
    const file = path.join(dir, 'full.jsonl');
    record(file);
    const before = fs.readFileSync(file);
    const sim = getSim('reach');
    const recorder = RecordingWriter.open(file, { sim: sim.name, seed: 0, arena: sim.arena, config: {} });
    const full = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      expect(() => runEpisodes({ sim, policy: scriptedPolicy, episodes: 3, seed: 0, recorder })).toThrow(`cannot write the recording '${file}': the disk is full`);
    } finally {
      full.mockRestore();
    }
    recorder.abort();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
