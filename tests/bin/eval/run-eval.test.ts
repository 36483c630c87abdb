// Evaluation: row parsing, and a worker-pool run that gives exactly the serial run's results for the same seeds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { trainRun } from '../../../agent/training/training-run.ts';
import { parseRows } from '../../../bin/eval/episodes.ts';
import { runEvaluation } from '../../../bin/eval/run-eval.ts';
import { getSim } from '../../../sims/index.ts';

const checkpoint = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-eval-')), 'reach');

beforeAll(async () => {
  await initBackend('wasm');
  const small = {
    perception: { latent: 8, hidden: 32, branch: 16 },
    worldModel: { hidden: 32, expander: [32], probeHidden: 16, level2Hidden: 16, level2Latent: 4 },
    planning: { candidates: 4, iterations: 2, horizon: 4 },
  };
  const preset = { transitions: 1000, steps: 20, batch: 16, sequence: 9, evalTransitions: 400, probeSteps: 10, criticSteps: 5, distill: { rounds: 1, episodes: 1, steps: 5, batch: 32 } };
  trainRun({ sim: getSim('reach'), preset, presetName: 'tiny', seed: 2, config: small, out: checkpoint, withoutMemory: true }).agent.dispose();
}, 120_000);

describe('parseRows', () => {
  it('reads agents and planners, defaulting the planner of mode2', () => {
    expect(parseRows('mode1, mode2, mode2:cem, auto:mppi, mode2:oracle, mode2:gd-hier')).toEqual([
      { agent: 'mode1', planner: null },
      { agent: 'mode2', planner: 'gd' },
      { agent: 'mode2', planner: 'cem' },
      { agent: 'auto', planner: 'mppi' },
      { agent: 'mode2', planner: 'oracle' },
      { agent: 'mode2', planner: 'gd-hier' },
    ]);
    expect(() => parseRows('mode3')).toThrow(/unknown agent 'mode3'/);
    expect(() => parseRows('mode2:sgd')).toThrow(/unknown planner 'sgd'.*gd, gd-hier, cem, mppi, oracle/);
    expect(() => parseRows('scripted:gd')).toThrow(/does not plan/);
  });
});

describe('runEvaluation', () => {
  it('gives the same results on a worker pool as serially, for the same seeds', async () => {
    const options = { sim: 'reach', rows: parseRows('scripted,mode1,mode2:gd,auto:gd'), episodes: 2, seed: 500, checkpoint, backend: 'wasm', deterministic: true };
    const serial = await runEvaluation({ ...options, workers: 0 });
    const parallel = await runEvaluation({ ...options, workers: 2 });
    const strip = (rows: typeof serial) => rows.map(({ msPerDecision: _ms, ...rest }) => rest);
    expect(strip(parallel)).toEqual(strip(serial));
    expect(serial.map((r) => r.agent)).toEqual(['scripted', 'mode1', 'mode2', 'auto']);
    expect(serial[0]!.successRate).toBe(1);
    expect(serial[2]!.modelEvalsPerDecision).toBeGreaterThan(0);
    for (const row of serial) expect(row.msPerDecision.p95).toBeGreaterThanOrEqual(row.msPerDecision.median);
  });
});
