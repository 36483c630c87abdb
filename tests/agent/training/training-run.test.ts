// World-model training smoke runs: losses fall, the run is deterministic, checkpoints resume, and a NaN stops it cleanly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgent } from '../../../agent/agent-checkpoint.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { trainRun } from '../../../agent/training/training-run.ts';
import { DEFAULT_LOSS_WEIGHTS } from '../../../agent/world-model/trainer.ts';
import { getSim } from '../../../sims/index.ts';
import { Env } from '../../../world/env.ts';
import { small, tiny } from './fixtures.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-wm-'));

describe('trainRun', () => {
  it('reduces the loss, reports the evidence, and is deterministic for a seed', () => {
    const run = () => {
      const losses: number[] = [];
      const result = trainRun({ sim: getSim('reach'), preset: tiny, presetName: 'tiny', seed: 3, config: small, onStep: (_, r) => losses.push(r.total) });
      result.agent.dispose();
      return { losses, result };
    };
    const a = run();
    expect(a.losses).toHaveLength(40);
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(mean(a.losses.slice(-10))).toBeLessThan(0.8 * mean(a.losses.slice(0, 5)));
    const e = a.result.evidence;
    expect(Object.keys(e.probeR2)).toEqual(['agent.x', 'agent.y']);
    expect(Object.keys(e.predError)).toEqual(['h1', 'h4', 'h16']);
    expect(e.effectiveRank).toBeGreaterThan(1);
    expect(a.result.transitions).toBe(1500);
    expect(a.result.distill.map((r) => r.round)).toEqual([0, 1]);
    expect(a.result.distill[1]!.samples).toBeGreaterThan(a.result.distill[0]!.samples);
    expect(a.result.criticLoss).not.toBeNull();
    const b = run();
    expect(b.losses).toEqual(a.losses);
  });

  it('writes a checkpoint with a metrics log and resumes from it', () => {
    const out = path.join(dir, 'ckpt');
    const first = trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 20 }, presetName: 'tiny', seed: 1, config: small, out, checkpointEvery: 10, scriptedShare: 0.5 });
    first.agent.dispose();
    const log = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.at(-1)).toMatchObject({ step: 20, final: true });
    const steps: number[] = [];
    const resumed = trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 30 }, presetName: 'tiny', seed: 1, out, resume: out, onStep: (s) => steps.push(s) });
    expect(steps[0]).toBe(21);
    expect(resumed.steps).toBe(30);
    expect(resumed.transitions).toBeGreaterThanOrEqual(1500);
    // The resumed checkpoint still describes the memory it trained on: the first run's exploration mix.
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { meta: { training: { scriptedShare: number } } };
    expect(meta.meta.training.scriptedShare).toBe(0.5);
    resumed.agent.dispose();
  });

  it("trains the goal critic a sim asks for, saves it, and weighs it as the sim says", () => {
    const out = path.join(dir, 'goal-critic');
    const sim = getSim('two-rooms');
    const result = trainRun({ sim, preset: { ...tiny, steps: 5, distill: { ...tiny.distill, rounds: 0 } }, presetName: 'tiny', seed: 1, config: small, out });
    const { agent } = result;
    expect(agent.config.cost.goalCritic).toMatchObject({ enabled: true, weight: sim.goalCritic!.weight });
    expect(result.goalCritic!.lambda).toBeGreaterThan(0);
    expect(result.phaseSeconds.goalCritic).toBeGreaterThanOrEqual(0);
    const names = agent.namedVariables().map(([n]) => n);
    expect(names.some((n) => n.startsWith('cost/goal-critic/'))).toBe(true);
    const layout = new Env(sim).observationLayout;
    const observation = new Env(sim).reset({ seed: 5 }).observations[0]!;
    const reloaded = loadAgent(out, { layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs }, sim.name);
    const d = (a: typeof agent): number => tf.tidy(() => a.goalCritic!.distance(tf.tensor2d(observation, [1, layout.size]), layout).dataSync()[0]!);
    expect(d(reloaded)).toBe(d(agent));
    reloaded.dispose();
    agent.dispose();
    // A sim that does not ask for one gets none.
    const plain = trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 5, distill: { ...tiny.distill, rounds: 0 } }, presetName: 'tiny', seed: 1, config: small });
    expect(plain.agent.goalCritic).toBeNull();
    expect(plain.goalCritic).toBeNull();
    plain.agent.dispose();
  });

  it('gives a sim that asks for it a state slot: exact features in s, predicted under the state loss, and the block evidence', () => {
    const out = path.join(dir, 'state-slot');
    const sim = getSim('push');
    const layout = new Env(sim).observationLayout;
    const states: number[] = [];
    const result = trainRun({ sim, preset: { ...tiny, steps: 30, distill: { ...tiny.distill, rounds: 0 } }, presetName: 'tiny', seed: 1, config: small, out, onStep: (_, r) => states.push(r.state!) });
    const { agent } = result;
    expect(agent.config.perception.stateSlot).toBe(true);
    expect(agent.hjepa.probeNet).toBeNull();
    // s ends with the observation's vector features, which the level-1 probe reads back exactly.
    const observation = new Env(sim).reset({ seed: 5 }).observations[0]!;
    const probed = (a: typeof agent): number[] => tf.tidy(() => Array.from(a.hjepa.probe(a.perception.inferBatch(tf.tensor2d(observation, [1, layout.size]))).dataSync()));
    expect(probed(agent)).toEqual(Array.from(observation.subarray(0, agent.hjepa.probeLayout.size)));
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(mean(states.slice(-5))).toBeLessThan(mean(states.slice(0, 5)));
    expect(Object.keys(result.evidence.blockError!)).toEqual(['h0', 'h8', 'h32']);
    expect(result.evidence.blockError!.h0).toEqual({ px: expect.closeTo(0, 3), deg: expect.closeTo(0, 3) });
    expect(result.evidence.blockError!.h32.px).toBeGreaterThan(0);
    const reloaded = loadAgent(out, { layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs }, sim.name);
    expect(probed(reloaded)).toEqual(probed(agent));
    reloaded.dispose();
    agent.dispose();
    // A sim without one keeps learned probe heads and reports no block.
    const plain = trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 5, distill: { ...tiny.distill, rounds: 0 } }, presetName: 'tiny', seed: 1, config: small });
    expect(plain.agent.hjepa.probeNet).not.toBeNull();
    expect(plain.evidence.blockError).toBeUndefined();
    plain.agent.dispose();
  });

  it('stops on a NaN loss with a message and leaves the last good checkpoint intact', () => {
    const out = path.join(dir, 'nan');
    const ok = trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 10 }, presetName: 'tiny', seed: 1, config: small, out });
    ok.agent.dispose();
    const before = fs.readFileSync(path.join(out, 'weights.bin'));
    expect(() =>
      trainRun({ sim: getSim('reach'), preset: { ...tiny, steps: 20 }, presetName: 'tiny', seed: 1, out, resume: out, weights: { ...DEFAULT_LOSS_WEIGHTS, prediction: Number.NaN } }),
    ).toThrow(/training stopped at step 11: the loss is NaN/);
    expect(fs.readFileSync(path.join(out, 'weights.bin'))).toEqual(before);
  });
});
