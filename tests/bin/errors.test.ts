// Every CLI error is one line naming its file and what is wrong, with no raw error text; a stack trace only with --debug.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = path.resolve('bin/autonomy.js');

async function autonomy(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [bin, ...args], { cwd, env: { ...process.env, AUTONOMY_BACKEND: 'cpu' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return e as { code: number; stdout: string; stderr: string };
  }
}

/** A folder holding a checkpoint folder `ck` whose checkpoint.json is `manifest` and whose weights.bin is empty. */
function damaged(manifest: string): string {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-errors-'));
  fs.mkdirSync(path.join(cwd, 'ck'));
  fs.writeFileSync(path.join(cwd, 'ck', 'checkpoint.json'), manifest);
  fs.writeFileSync(path.join(cwd, 'ck', 'weights.bin'), '');
  return cwd;
}

describe('CLI errors', () => {
  it.each([
    ['a cut checkpoint.json', '{"format": "autonomy-checkpoint", "vers', "autonomy: error: 'ck/checkpoint.json' is damaged: it is not valid JSON (cut short or edited); train again, or restore the folder from a copy"],
    [
      'an agent checkpoint without its sim',
      JSON.stringify({ format: 'autonomy-checkpoint', version: 1, meta: { kind: 'agent' }, tensors: [], hasMemory: false }),
      "autonomy: error: 'ck/checkpoint.json' is damaged: meta.sim: Invalid input: expected string, received undefined; train again, or restore the folder from a copy",
    ],
  ])('%s: one line naming the file, and the stack trace only with --debug', async (_, manifest, line) => {
    const cwd = damaged(manifest);
    const plain = await autonomy(cwd, 'run', 'reach', '--agent', 'mode1', '--checkpoint', 'ck');
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split('\n')).toEqual([line]);
    const debug = await autonomy(cwd, 'run', 'reach', '--agent', 'mode1', '--checkpoint', 'ck', '--debug');
    expect(debug.code).toBe(1);
    expect(debug.stderr.split('\n')[0]).toBe(line);
    expect(debug.stderr).toMatch(/\n {4}at .*checkpoint\.ts:\d+/);
  });

  it('eval with worker threads runs from any working folder (its workers found tsx from the working folder)', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-elsewhere-'));
    const result = await autonomy(cwd, 'eval', 'reach', '--only', 'scripted', '--episodes', '1', '--workers', '1', '--json');
    expect(result.stderr).not.toMatch(/Cannot find package/);
    expect(result.code).toBe(0);
  });
});
