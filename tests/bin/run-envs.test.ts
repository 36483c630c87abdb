// `autonomy run --envs N`: the same summary for a seed list whatever N (timings aside), and clear refusals.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const bin = path.resolve('bin/autonomy.js');

async function autonomy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [bin, ...args], { env: { ...process.env, AUTONOMY_BACKEND: 'cpu' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The summary without its timings, which differ from run to run. */
async function summary(...args: string[]): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await autonomy('run', ...args, '--json');
  expect(code, stderr).toBe(0);
  const json = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(expect.arrayContaining(['stepsPerSecond', 'msPerDecision', 'meanCost']));
  delete json.stepsPerSecond;
  delete json.msPerDecision;
  return json;
}

describe('autonomy run --envs', () => {
  it.each(['mode1', 'scripted'])('gives --agent %s the same summary with --envs 1 and --envs 5', async (agent) => {
    const common = ['two-rooms', '--agent', agent, '--episodes', '7', '--seed', '12'];
    const [one, five] = await Promise.all([summary(...common, '--envs', '1'), summary(...common, '--envs', '5')]);
    expect(five).toEqual(one);
  });

  it('refuses --record and the planning agents with --envs above 1, in words', async () => {
    const record = await autonomy('run', 'reach', '--envs', '2', '--record', path.join(process.env.TMPDIR ?? '/tmp', 'never.jsonl'));
    expect(record.code).toBe(1);
    expect(record.stderr).toMatch(/--record writes episodes one after another; record with --envs 1/);
    const mode2 = await autonomy('run', 'reach', '--agent', 'mode2', '--envs', '2');
    expect(mode2.code).toBe(1);
    expect(mode2.stderr).toMatch(/--agent mode2 plans one world at a time/);
  });
});
