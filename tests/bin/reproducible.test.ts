// Same seed, same config, same run: two Mode-2 (or auto) runs of the CLI record identical ticks however loaded the machine is.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { readRecording } from '../../world/recording.ts';

const run = promisify(execFile);

/** Records one episode with the shipped checkpoint; returns the file's bytes after the header line. */
async function record(sim: string, agent: string, file: string): Promise<string> {
  await run('node', [path.resolve('bin/autonomy.js'), 'run', sim, '--agent', agent, '--episodes', '1', '--seed', '7', '--record', file], { env: { ...process.env, AUTONOMY_BACKEND: 'wasm' } });
  // Ticks carry actions, costs and the world state; decision times are not recorded (the header's createdAt is the only clock).
  expect(readRecording(file).records.length).toBeGreaterThan(3);
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(text.indexOf('\n') + 1);
}

// Auto on two-rooms plans with Mode-2 on about a sixth of its ticks (on reach, one tick in fifty).
it.each([
  ['mode2', 'reach'],
  ['auto', 'two-rooms'],
])('gives byte-identical %s recordings of %s after the header for the same seed, with no time budget by default', async (agent, sim) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-repro-'));
  // Both at once, so each runs on a loaded machine: a wall-clock budget would cut their decisions differently.
  const [first, second] = await Promise.all([record(sim, agent, path.join(dir, 'a.jsonl')), record(sim, agent, path.join(dir, 'b.jsonl'))]);
  expect(second).toBe(first);
});
