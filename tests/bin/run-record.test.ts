// `autonomy run --record`: never destroys a file, keeps the previous recording when a run fails, and Ctrl-C keeps every tick that ran, marked interrupted.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../world/recording.ts';

const bin = path.resolve('bin/autonomy.js');
const env = { ...process.env, AUTONOMY_BACKEND: 'cpu' };

async function autonomy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return e as { code: number; stdout: string; stderr: string };
  }
}

const folder = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-run-record-'));

describe('run --record', () => {
  it('on Ctrl-C flushes every tick that ran into the file, marks it interrupted, says so and exits 130', async () => {
    const dir = folder();
    const file = path.join(dir, 'long.jsonl');
    const child = spawn('node', [bin, 'run', 'reach', '--episodes', '1000000', '--record', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Interrupt once the temporary file has grown past a few flushes.
    for (;;) {
      const tmp = fs.readdirSync(dir).find((f) => f.startsWith('.long.jsonl.tmp-'));
      if (tmp && fs.statSync(path.join(dir, tmp)).size > 200_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const recording = readRecording(file);
    const ticks = recording.records.filter((r) => r.type === 'tick').length;
    expect(recording.end).toEqual({ type: 'end', interrupted: true, ticks });
    expect(stderr).toContain(`autonomy: interrupted after ${ticks} ticks in `);
    expect(stderr).toContain(`'${file}' holds them, marked interrupted`);
    expect(fs.readdirSync(dir)).toEqual(['long.jsonl']);
  });

  it('keeps the previous recording when a run fails, and leaves no temporary file', async () => {
    const dir = folder();
    const file = path.join(dir, 'run.jsonl');
    expect((await autonomy('run', 'reach', '--episodes', '1', '--record', file)).code).toBe(0);
    const before = fs.readFileSync(file);
    const failed = await autonomy('run', 'reach', '--agent', 'mode1', '--cost', 'tests/fixtures/nan-mid-run-cost.ts', '--record', file);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/intrinsic cost 'broken-cost' \(tests\/fixtures\/nan-mid-run-cost\.ts\) returned NaN/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['run.jsonl']);
  });

  it('refuses a file that is not a recording (unless --force) and a folder, before running', async () => {
    const dir = folder();
    const notes = path.join(dir, 'checkpoint.json');
    fs.writeFileSync(notes, '{"format":"autonomy-checkpoint"}\n');
    const refused = await autonomy('run', 'reach', '--episodes', '1', '--record', notes);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`autonomy: error: '${notes}' exists and is not an autonomy recording; recording there would destroy it, so choose another file name, or pass --force to replace it`);
    expect(fs.readFileSync(notes, 'utf8')).toBe('{"format":"autonomy-checkpoint"}\n');
    const folderRefused = await autonomy('run', 'reach', '--episodes', '1', '--record', dir);
    expect(folderRefused.stderr.trim()).toBe(`autonomy: error: cannot record to '${dir}': it is a folder; give a file name, such as '${path.join(dir, 'run.jsonl')}'`);
    expect((await autonomy('run', 'reach', '--episodes', '1', '--record', notes, '--force')).code).toBe(0);
    expect(readRecording(notes).end).toMatchObject({ interrupted: false });
  });

  it('refuses seeds past the largest rather than recording seed 4294967296', async () => {
    const dir = folder();
    const file = path.join(dir, 'seeds.jsonl');
    const refused = await autonomy('run', 'reach', '--seed', '4294967295', '--episodes', '2', '--record', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'autonomy: error: --seed 4294967295 with --episodes 2 would need seeds up to 4294967296, past the largest seed, 4294967295; give --seed 4294967294 or lower, or fewer episodes',
    );
    expect(fs.existsSync(file)).toBe(false);
    expect((await autonomy('run', 'reach', '--seed', '4294967294', '--episodes', '2', '--record', file)).code).toBe(0);
    expect(readRecording(file).records.filter((r) => r.type === 'episode').map((r) => r.seed)).toEqual([4294967294, 4294967295]);
  });
});
