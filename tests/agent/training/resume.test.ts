// Resuming continues the same run: a run killed after a checkpoint and resumed ends bit-identical to one never stopped; conflicting requests are refused.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planResume, readTrainingMeta, type TrainingMeta } from '../../../agent/training/resume.ts';

const child = path.resolve('tests/fixtures/train-child.ts');
const runChild = (...args: string[]): Promise<{ stdout: string }> => promisify(execFile)('node', ['--import', 'tsx', child, ...args]);

/** Starts a training child that stops at `step` (after the checkpoints at 10 and 20), then kills it with SIGKILL. */
async function trainAndKill(out: string, step: number): Promise<NodeJS.Signals | null> {
  const proc = spawn('node', ['--import', 'tsx', child, 'fresh', out, String(step)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (c: Buffer) => {
      stdout += String(c);
      if (stdout.includes(`at step ${step}`)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`the training child exited (${code}) before step ${step}`)));
  });
  proc.kill('SIGKILL');
  const [, signal] = (await new Promise((resolve) => proc.once('exit', (...a) => resolve(a)))) as [number | null, NodeJS.Signals | null];
  return signal;
}

const files = (dir: string): Record<string, Buffer> => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));

describe('--resume', () => {
  it('after a SIGKILL mid-run, ends with the same weights, Adam state, memory, metrics and metadata as a run never stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-resume-'));
    const whole = path.join(dir, 'whole');
    const killed = path.join(dir, 'killed');
    const [done, signal] = await Promise.all([runChild('fresh', whole), trainAndKill(killed, 25)]);
    expect(done.stdout).toContain('done at step 40');
    expect(signal).toBe('SIGKILL');
    const interrupted = JSON.parse(fs.readFileSync(path.join(killed, 'checkpoint.json'), 'utf8')) as { meta: { training: TrainingMeta }; tensors: { name: string }[] };
    expect(interrupted.meta.training).toMatchObject({ step: 20, steps: 40, finished: false, seed: 4, preset: 'tiny' });
    expect(interrupted.tensors.map((t) => t.name)).toContain('adam/beta1-power');

    const resumed = await runChild('resume', killed);
    expect(resumed.stdout).toContain('done at step 40');
    const a = files(whole);
    const b = files(killed);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const name of Object.keys(a)) expect(b[name]!.equals(a[name]!), name).toBe(true);
  });
});

describe('planResume', () => {
  const saved: TrainingMeta = { step: 500, preset: 'quick', seed: 3, weights: {} as TrainingMeta['weights'], scriptedShare: 0.25, steps: 2000, finished: false };
  const presets = { quick: 2000, full: 10000 };

  it('continues the saved run: its preset, seed, mix and total, unless --steps asks for more', () => {
    expect(planResume('run', saved, {}, presets)).toEqual({ presetName: 'quick', steps: 2000, seed: 3, scriptedShare: 0.25, from: 500 });
    expect(planResume('run', saved, { preset: 'quick', seed: 3, scriptedShare: 0.25, steps: 800 }, presets)).toMatchObject({ steps: 800 });
    // A checkpoint written before the total was recorded takes its preset's.
    expect(planResume('run', { ...saved, steps: undefined, preset: 'full' }, {}, presets)).toMatchObject({ presetName: 'full', steps: 10000 });
  });

  it('refuses a conflicting flag, a step count that goes back, and a finished run with nothing left, naming what would be right', () => {
    expect(() => planResume('run', saved, { steps: 10 }, presets)).toThrow(
      "--steps 10 would go back: 'run' is at step 500, and a resumed run only goes forward; give --steps 500 or more, or omit --steps to finish its 2000 steps",
    );
    expect(() => planResume('run', saved, { preset: 'full' }, presets)).toThrow(
      "--preset full conflicts with the run in 'run', which was trained with --preset quick; a resumed run keeps its settings, so drop --preset (or give --preset quick)",
    );
    expect(() => planResume('run', saved, { seed: 0 }, presets)).toThrow(/--seed 0 conflicts with the run in 'run', which was trained with --seed 3/);
    expect(() => planResume('run', saved, { scriptedShare: 0 }, presets)).toThrow(/--scripted-share 0 conflicts .* --scripted-share 0.25/);
    expect(() => planResume('run', { ...saved, step: 2000, finished: true }, {}, presets)).toThrow("'run' is a finished run of 2000 steps; to train it further give --steps N with N > 2000");
    expect(planResume('run', { ...saved, step: 2000, finished: true }, { steps: 3000 }, presets)).toMatchObject({ from: 2000, steps: 3000 });
    expect(() => planResume('run', { ...saved, preset: 'tiny' }, {}, presets)).toThrow(/trained with preset 'tiny', which this autonomy does not have \(presets: quick, full\)/);
  });

  it('reads the training state of a checkpoint, refusing one without it or with a damaged one', () => {
    expect(readTrainingMeta('run', { training: saved })).toEqual(saved);
    expect(() => readTrainingMeta('run', {})).toThrow("'run' has no training state to resume: it was not written by `autonomy train`");
    expect(() => readTrainingMeta('run', { training: { ...saved, step: -1 } })).toThrow(/'run' has a damaged training state in checkpoint.json \(training.step: /);
  });
});
