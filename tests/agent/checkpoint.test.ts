// Checkpoints: written atomically, loaded back to identical outputs and memory; bad folders are refused clearly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.ts';
import { loadAgent, saveAgent } from '../../agent/agent-checkpoint.ts';
import { agentPolicy } from '../../agent/episode-policy.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/rollout.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const sim = getSim('two-rooms');
const layout = new Env(sim).observationLayout;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-ckpt-'));

describe('agent checkpoints', () => {
  it('load back to identical outputs, config and memory', () => {
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { seed: 4, perception: { latent: 16 }, memory: { capacity: 300 } } });
    runEpisodes({ sim, policy: agentPolicy([agent]), episodes: 2, seed: 1 });
    const target = path.join(dir, 'a');
    saveAgent(target, agent, sim.name);
    const loaded = loadAgent(target, { layout, suggestedCosts: sim.suggestedCosts }, sim.name);
    expect(loaded.config).toEqual(agent.config);
    const obs = new Env(sim).reset({ seed: 9 }).observations[0]!;
    expect(loaded.perception.encode(obs)).toEqual(agent.perception.encode(obs));
    expect(loaded.tick(obs)).toEqual(agent.tick(obs));
    expect(loaded.memory.latest(300)).toEqual(agent.memory.latest(300));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    agent.dispose();
    loaded.dispose();
  });

  it('leaves the previous checkpoint intact when a save fails', () => {
    const target = path.join(dir, 'b');
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, config: { seed: 1 } });
    saveAgent(target, agent, sim.name);
    const before = fs.readFileSync(path.join(target, 'weights.bin'));
    const broken = agent.namedVariables();
    broken.push(broken[0]!); // a duplicate name makes the save fail midway
    agent.namedVariables = () => broken;
    expect(() => saveAgent(target, agent, sim.name)).toThrow(/two tensors named/);
    expect(fs.readFileSync(path.join(target, 'weights.bin'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    agent.dispose();
  });

  it('refuses a folder that is not a checkpoint, or one made for another sim', () => {
    expect(() => loadAgent(dir, { layout, suggestedCosts: sim.suggestedCosts }, sim.name)).toThrow(/not a checkpoint folder: checkpoint.json is missing/);
    const reach = getSim('reach');
    expect(() => loadAgent(path.join(dir, 'b'), { layout: new Env(reach).observationLayout, suggestedCosts: reach.suggestedCosts }, 'reach')).toThrow(/made for sim 'two-rooms', not 'reach'/);
  });
});
