// `autonomy train --out`: checked before any work, never destroys what is not a checkpoint, another run's only with --force.
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../agent/checkpoint.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/autonomy.js');

/** Runs the CLI in `cwd`; a run that got past the --out check would train for minutes, so it is stopped after 45 s. */
async function autonomy(cwd: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  try {
    const { stderr } = await run('node', [bin, ...args], { cwd, timeout: 45_000, env: { ...process.env, AUTONOMY_BACKEND: 'cpu' } });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number | null; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

/** A folder holding a user's files: notes.txt and sub/deep.txt. */
function userFolder(): string {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-train-out-'));
  fs.mkdirSync(path.join(cwd, 'mine', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'mine', 'notes.txt'), 'x\n');
  fs.writeFileSync(path.join(cwd, 'mine', 'sub', 'deep.txt'), 'y\n');
  fs.writeFileSync(path.join(cwd, 'somefile.txt'), 'mine\n');
  return cwd;
}

/** The training state of a quick run of seed 0 saved at step 500 of 2000. */
const TRAINING = { step: 500, preset: 'quick', seed: 0, weights: {}, steps: 2000, finished: false };

const contents = (cwd: string): Record<string, string> =>
  Object.fromEntries(
    (fs.readdirSync(cwd, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(cwd, f)).isFile())
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(cwd, f), 'utf8')]),
  );

describe('train --out', () => {
  it.each([
    ['mine', /'mine' is a folder that is not an autonomy checkpoint and is not empty \(it holds 'notes.txt', 'sub'\); .*choose an empty or new folder, or an existing checkpoint folder/],
    ['somefile.txt', /'somefile.txt' is a file, not a checkpoint folder; .*choose an empty or new folder/],
    ['.', /'\.' is the working folder or contains it .*choose an empty or new folder/],
  ])('refuses %j before any training, exits non-zero, and leaves the files intact', async (out, message) => {
    const cwd = userFolder();
    const before = contents(cwd);
    const { code, stderr } = await autonomy(cwd, 'train', 'reach', '--steps', '1', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(contents(cwd)).toEqual(before);
  });

  it('refuses the checkpoint of another run without --force; --force, or resuming that run, passes the check', async () => {
    const cwd = userFolder();
    const w = tf.variable(tf.zeros([2]));
    saveCheckpoint(path.join(cwd, 'run'), { kind: 'agent', sim: 'reach', training: TRAINING }, [['w', w]], null, { 'metrics.jsonl': '{}\n' });
    w.dispose();
    const before = contents(cwd);
    const refused = await autonomy(cwd, 'train', 'reach', '--steps', '1', '--out', 'run');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch("'run' already holds a checkpoint (sim reach, step 500); pass --force to replace it, --resume run to continue it, or choose an empty or new folder for --out");
    // Past the --out check, each run stops at the next one, the backend, before any work.
    for (const args of [['--out', 'run', '--force', '--steps', '1'], ['--resume', 'run'], ['--resume', 'run', '--out', './run/', '--steps', '600']]) {
      const passed = await autonomy(cwd, 'train', 'reach', ...args, '--backend', 'gpu');
      expect(passed.code, args.join(' ')).toBe(1);
      expect(passed.stderr, args.join(' ')).toMatch(/unknown backend 'gpu'/);
    }
    expect(contents(cwd)).toEqual(before);
  });
});

describe('train --resume', () => {
  it.each([
    [['--steps', '10'], "--steps 10 would go back: 'run' is at step 500, and a resumed run only goes forward; give --steps 500 or more, or omit --steps to finish its 2000 steps"],
    [['--preset', 'full'], "--preset full conflicts with the run in 'run', which was trained with --preset quick; a resumed run keeps its settings, so drop --preset (or give --preset quick)"],
    [['--seed', '7'], "--seed 7 conflicts with the run in 'run', which was trained with --seed 0; a resumed run keeps its settings, so drop --seed (or give --seed 0)"],
    [['--scripted-share', '0.5'], "--scripted-share 0.5 conflicts with the run in 'run', which was trained with --scripted-share 0"],
  ])('refuses %j on a step-500 quick run of seed 0 before any work, leaving the checkpoint as it was', async (flags, message) => {
    const cwd = userFolder();
    const w = tf.variable(tf.zeros([2]));
    saveCheckpoint(path.join(cwd, 'run'), { kind: 'agent', sim: 'reach', training: TRAINING }, [['w', w]], null, { 'metrics.jsonl': '{}\n' });
    w.dispose();
    const before = contents(cwd);
    const { code, stderr } = await autonomy(cwd, 'train', 'reach', '--resume', 'run', ...flags);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(contents(cwd)).toEqual(before);
  });
});
