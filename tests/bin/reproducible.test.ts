// Same seed, same config, same run: two Mode-2 runs of the CLI record identical ticks however loaded the machine is.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { readRecording } from '../../world/recording.ts';

const run = promisify(execFile);

/** Records one Mode-2 episode of reach with the shipped checkpoint. */
async function recordMode2(file: string): Promise<unknown[]> {
  await run('node', [path.resolve('bin/autonomy.js'), 'run', 'reach', '--agent', 'mode2', '--episodes', '1', '--seed', '7', '--record', file], { env: { ...process.env, AUTONOMY_BACKEND: 'wasm' } });
  // Ticks carry actions, costs and the world state; decision times are not recorded.
  return readRecording(file).records;
}

it('gives identical Mode-2 recordings for the same seed, with no time budget by default', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-repro-'));
  // Both at once, so each runs on a loaded machine: a wall-clock budget would cut their decisions differently.
  const [first, second] = await Promise.all([recordMode2(path.join(dir, 'a.jsonl')), recordMode2(path.join(dir, 'b.jsonl'))]);
  expect(first.length).toBeGreaterThan(2);
  expect(second).toEqual(first);
});
