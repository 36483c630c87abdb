// A training job: run again it returns its folder's summary without training; stopped midway it resumes and ends as the uninterrupted job; another job's folder, or a folder of other files, is refused untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { PRESETS, trainRun } from '../../../agent/training/training-run.ts';
import { runTrainJob, type TrainJob, type TrainJobResult } from '../../../bin/jobs/train-job.ts';
import { getSim } from '../../../sims/index.ts';

const plugins = { sim: getSim('reach'), extraCosts: [] };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-train-job-'));
const job = (out: string, seed = 3): TrainJob => ({ kind: 'train', backend: 'wasm', sim: 'reach', preset: 'smoke', steps: 20, seed, out: path.join(root, out) });
/** What a run measured, without its wall-clock timings. */
const measured = ({ seconds: _s, phaseSeconds: _p, transitionsPerSecond: _t, ...rest }: TrainJobResult) => rest;

let first: TrainJobResult;

beforeAll(async () => {
  await initBackend('wasm');
  first = runTrainJob(job('a'), plugins);
}, 120_000);

describe('runTrainJob', () => {
  it('writes the checkpoint, the job and its summary into its folder; run again, it returns that summary without training', () => {
    expect(fs.readdirSync(path.join(root, 'a')).sort()).toEqual(['checkpoint', 'job.json', 'result.json']);
    expect(fs.existsSync(path.join(root, 'a', 'checkpoint', 'weights.bin'))).toBe(true);
    expect(first).toMatchObject({ sim: 'reach', preset: 'smoke', steps: 20, planner: expect.any(String) });
    const weights = fs.statSync(path.join(root, 'a', 'checkpoint', 'weights.bin')).mtimeMs;
    const started = performance.now();
    expect(runTrainJob(job('a'), plugins)).toEqual(first);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fs.statSync(path.join(root, 'a', 'checkpoint', 'weights.bin')).mtimeMs).toBe(weights);
  });

  it('resumes a job stopped midway from its last checkpoint and ends as the job that was never stopped', () => {
    // The first attempt: the same run, checkpointed at step 10 and stopped at step 15 (as a killed worker would leave it).
    const stopped = job('b');
    fs.mkdirSync(stopped.out);
    const { out: _out, ...identity } = stopped;
    fs.writeFileSync(path.join(stopped.out, 'job.json'), JSON.stringify(identity));
    expect(() =>
      trainRun({
        sim: plugins.sim,
        preset: { ...PRESETS.smoke, steps: 20 },
        presetName: 'smoke',
        seed: 3,
        out: path.join(stopped.out, 'checkpoint'),
        scriptedShare: 0,
        checkpointEvery: 10,
        onStep: (step) => {
          if (step === 15) throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    const manifest = JSON.parse(fs.readFileSync(path.join(stopped.out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { meta: { training: { step: number; finished: boolean } } };
    expect(manifest.meta.training).toMatchObject({ step: 10, finished: false });
    const resumed = runTrainJob(stopped, plugins);
    expect(measured(resumed)).toEqual(measured(first));
    expect(fs.readFileSync(path.join(stopped.out, 'checkpoint', 'weights.bin'))).toEqual(fs.readFileSync(path.join(root, 'a', 'checkpoint', 'weights.bin')));
  }, 120_000);

  it("refuses a folder holding another job's run, or files that are not a job's, and leaves it as it was", () => {
    const before = fs.readFileSync(path.join(root, 'a', 'result.json'), 'utf8');
    expect(() => runTrainJob(job('a', 4), plugins)).toThrow(new RegExp(`training job folder '${path.join(root, 'a')}' holds the run of another job \\(its job.json differs: .*"seed":3.*\\); remove the folder, or give this sweep another name`));
    expect(fs.readFileSync(path.join(root, 'a', 'result.json'), 'utf8')).toBe(before);
    fs.mkdirSync(path.join(root, 'mine'));
    fs.writeFileSync(path.join(root, 'mine', 'notes.txt'), 'mine');
    expect(() => runTrainJob(job('mine'), plugins)).toThrow(/holds files that are not a training job's \(no job.json\); move them away or train elsewhere/);
    expect(fs.readdirSync(path.join(root, 'mine'))).toEqual(['notes.txt']);
  });
});
