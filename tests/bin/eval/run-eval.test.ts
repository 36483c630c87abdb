// Evaluation: row parsing, row summaries, and a worker-pool run that gives exactly the serial run's results for the same seeds.
import { wilsonInterval } from '../../../agent/math/wilson.ts';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { trainRun } from '../../../agent/training/training-run.ts';
import { parseRows, summarizeRow } from '../../../bin/eval/episodes.ts';
import { runEvaluation } from '../../../bin/eval/run-eval.ts';
import { getSim } from '../../../sims/index.ts';

const checkpoint = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-eval-')), 'reach');

beforeAll(async () => {
  await initBackend('wasm');
  const small = {
    perception: { latent: 8, hidden: 32, branch: 16 },
    worldModel: { hidden: 32, expander: [32], probeHidden: 16, level2Hidden: 16, level2Latent: 4 },
    planning: { candidates: 4, iterations: 2, horizon: 4, planner: 'cem' as const },
  };
  const preset = { transitions: 1000, steps: 20, batch: 16, sequence: 9, evalTransitions: 400, probeSteps: 10, criticSteps: 5, goalCritic: { ticks: 1000, steps: 5, batch: 32 }, distill: { rounds: 1, episodes: 1, steps: 5, batch: 32 } };
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
    expect(() => parseRows('mode2:sgd')).toThrow(/unknown planner 'sgd'.*gd, gd-hier, cem, mppi, random, oracle/);
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
    // Timings differ run to run, so they are compared apart: every learning row measured its decisions in both runs (a
    // forward pass never takes 0 ms, and a row whose timings were lost reads 0).
    for (const row of [...serial, ...parallel].filter((r) => r.agent !== 'scripted')) expect(row.msPerDecision.median).toBeGreaterThan(0);
  });
});

describe('summarizeRow', () => {
  it("pools every episode's decision times into the median and 95th percentile, costs per tick, averages the rest per episode, and gives the success rate's interval", () => {
    const outcome = (seed: number, success: boolean, steps: number, decisionMs: number[], decisions: number, modelEvals: number) => ({ seed, success, steps, decisionMs, decisions, modelEvals, meanCost: { energy: seed } });
    // 20 decision times 1 … 20 ms, split unevenly over the episodes and shuffled.
    const times = Array.from({ length: 20 }, (_, i) => 20 - ((i * 7) % 20));
    const row = summarizeRow({ agent: 'mode2', planner: 'gd' }, [
      outcome(1, true, 30, times.slice(0, 3), 3, 300),
      outcome(2, false, 200, times.slice(3, 15), 12, 600),
      outcome(3, true, 70, times.slice(15), 5, 100),
    ]);
    expect(row).toEqual({ agent: 'mode2', planner: 'gd', successRate: 2 / 3, successInterval: wilsonInterval(2, 3), meanSteps: 100, msPerDecision: { median: 11, p95: 20 }, modelEvalsPerDecision: 50, meanCost: { energy: (30 * 1 + 200 * 2 + 70 * 3) / 300 } });
  });
});

describe('the eval command', () => {
  it("plans `mode2` alone with the checkpoint's planner", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/autonomy.js', 'eval', 'reach', '--checkpoint', checkpoint, '--only', 'mode2', '--episodes', '1', '--workers', '0', '--json']);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: { agent: string; planner: string }[] };
    expect(result.rows).toMatchObject([{ agent: 'mode2', planner: 'cem' }]);
  }, 120_000);
});
