// Smoke tests of the `autonomy` CLI as a user runs it: JSON summaries, recordings and clear errors.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../world/recording.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/autonomy.js');

async function autonomy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { env: { ...process.env, AUTONOMY_BACKEND: 'cpu' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('autonomy CLI', () => {
  it('run --json prints the summary fields on the last line of stdout', async () => {
    const { code, stdout } = await autonomy('run', 'reach', '--agent', 'scripted', '--episodes', '3', '--seed', '5', '--json');
    expect(code).toBe(0);
    const summary = lastJson(stdout);
    expect(summary).toMatchObject({ sim: 'reach', agent: 'scripted', episodes: 3, seed: 5, backend: 'cpu', successRate: 1 });
    expect(summary.meanSteps).toBeGreaterThan(0);
    expect(summary.stepsPerSecond).toBeGreaterThan(0);
  });

  it('run --agent mode1 reports every loaded cost, plug-ins included, and the decision time', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-cli-')), 'keep-left.jsonl');
    const { code, stdout } = await autonomy('run', 'two-rooms', '--agent', 'mode1', '--episodes', '1', '--cost', 'docs/examples/keep-left.ts', '--record', file, '--json');
    expect(code).toBe(0);
    const summary = lastJson(stdout) as { meanCost: Record<string, number>; msPerDecision: { median: number; p95: number }; agent: string };
    expect(summary.agent).toBe('mode1');
    expect(Object.keys(summary.meanCost).sort()).toEqual(['collision-risk', 'energy', 'goal-distance', 'keep-left']);
    // The plug-in's mean is its definition, relu(agent.x), on the position each decision saw (the recorded one before it).
    const rec = readRecording(file);
    const { width, height } = rec.header.arena;
    let x = Number.NaN;
    const keepLeft: number[] = [];
    for (const r of rec.records) {
      if (r.type === 'episode') {
        x = r.scene.agents[0]!.x;
        continue;
      }
      keepLeft.push(Math.max(0, (x - width / 2) / (Math.max(width, height) / 2)));
      x = r.agents[0]!.x;
    }
    const expected = keepLeft.reduce((a, b) => a + b, 0) / keepLeft.length;
    expect(expected).toBeGreaterThan(0.01);
    expect(summary.meanCost['keep-left']).toBeCloseTo(expected, 5);
    // Every decision was timed: a Mode-1 decision (a forward pass) never takes 0 ms, and no timing reads 0 for none.
    expect(summary.msPerDecision.median).toBeGreaterThan(0);
  });

  it('run --record writes a readable recording', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-cli-')), 'run.jsonl');
    const { code } = await autonomy('run', 'two-rooms', '--agent', 'random', '--episodes', '1', '--record', file, '--json');
    expect(code).toBe(0);
    const rec = readRecording(file);
    expect(rec.header.sim).toBe('two-rooms');
    expect(rec.records.filter((r) => r.type === 'tick')).toHaveLength(200);
  });

  it('list --json names every sim with the features a cost can read, and every cost', async () => {
    const { code, stdout } = await autonomy('list', '--json');
    expect(code).toBe(0);
    const listed = lastJson(stdout) as { sims: { name: string; features: string[] }[]; costs: { name: string; sim: string }[] };
    expect(listed.sims.map((s) => s.name)).toEqual(expect.arrayContaining(['reach', 'two-rooms']));
    expect(listed.sims.find((s) => s.name === 'two-rooms')!.features).toEqual(expect.arrayContaining(['agent.x', 'goal.dx', 'ray.7', 'door.dx', 'grid']));
    expect(listed.costs).toEqual(expect.arrayContaining([{ name: 'goal-distance', sim: 'built-in', description: expect.any(String) }, { name: 'pusher-to-contact', sim: 'push', description: expect.any(String) }]));
  });

  it.each([
    [['run', 'nope'], /unknown sim 'nope'; available sims: reach/],
    [['run', 'reach', '--episodes', '-3'], /expected a positive integer, got '-3'/],
    [['run', 'reach', '--episodes', '2.5'], /expected a positive integer, got '2.5'/],
    [['run', 'reach', '--seed', 'abc'], /expected an integer seed/],
    [['run', 'reach', '--agent', 'foo'], /Allowed choices are random, scripted, mode1/],
    [['run', 'reach', '--agent', 'mode1', '--cost', 'tests/fixtures/nan-cost.ts'], /intrinsic cost 'broken-cost' \(tests\/fixtures\/nan-cost\.ts\) returned NaN/],
    [['run', 'reach', '--cost', 'missing.ts'], /cost file 'missing.ts' does not exist/],
    [['run', 'reach', '--agent', 'mode1', '--checkpoint', 'docs'], /'docs' is not a checkpoint folder/],
    [['run', 'reach', '--backend', 'gpu'], /unknown backend 'gpu'; choose one of auto, tensorflow, wasm, cpu/],
    [['run', 'reach', '--record', '/nonexistent-dir/x.jsonl'], /does not exist/],
    [['eval', 'reach', '--workers', '100000'], /--workers: at most \d+ \(4 per core on this machine\), got 100000/],
    [['run', 'reach', '--agent', 'scripted', '--horizon', '8'], /planning settings .* are for planning agents \(mode2, auto\); 'scripted' does not plan/],
  ])('refuses %j with a clear message and a non-zero exit', async (args, message) => {
    const { code, stderr } = await autonomy(...args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
