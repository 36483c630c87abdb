// The batched Mode-1 tick: N worlds with one agent act and remember exactly as single agents do, with no tensor growth.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentBatch } from '../../agent/agent-batch.ts';
import { Agent } from '../../agent/agent.ts';
import { meterCosts } from '../../agent/cost/index.ts';
import { agentPolicy, agentVectorPolicy } from '../../agent/episode-policy.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { getSim } from '../../sims/index.ts';
import { ACTION_SIZE, Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { runVectorEpisodes, type VectorPolicyFactory } from '../../world/vector-episodes.ts';
import { VectorEnv } from '../../world/vector-env.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

function agentsFor(simName: string, seed: number, goal = false): Agent[] {
  const sim = getSim(simName);
  const layout = new Env(sim).observationLayout;
  return Array.from({ length: sim.agentCount }, (_, i) => {
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, config: { seed: seed + i, memory: { capacity: 3000 } } });
    if (goal) agent.setTask({ goal: { x: 0.3, y: -0.2 } });
    return agent;
  });
}

/** Wraps a vector policy to keep each episode's actions, keyed by episode. */
function tracing(inner: VectorPolicyFactory, trace: Map<number, number[]>): VectorPolicyFactory {
  return (vec) => {
    const p = inner(vec);
    const episodes: number[] = [];
    return {
      begin: (w, ctx) => {
        episodes[w] = ctx.episode;
        trace.set(ctx.episode, []);
        p.begin(w, ctx);
      },
      act: (observations, states, active) => {
        const actions = p.act(observations, states, active);
        const per = vec.agentCount * ACTION_SIZE;
        for (let w = 0; w < vec.count; w++) if (active[w]) trace.get(episodes[w]!)!.push(...actions.subarray(w * per, (w + 1) * per));
        return actions;
      },
      end: (w, r) => p.end(w, r),
    };
  };
}

describe('AgentBatch', () => {
  it.each([
    ['reach', 4, false],
    ['two-rooms', 3, true],
    ['forage', 2, false],
  ])('in %s, N = %i (task goal %s): actions, costs and memory equal those of single agents on the same seeds', (name, n, goal) => {
    const sim = { ...getSim(name), maxSteps: 60 };
    const episodes = 7;
    // Single agents, episode after episode.
    const single = agentsFor(name, 11, goal);
    const singleTrace = new Map<number, number[]>();
    const singleMeter = meterCosts(agentPolicy(single), single[0]!.cost, single[0]!.options.layout, (i) => single[i]!.lastCost?.values ?? null);
    const a = runEpisodes({ sim, policy: singleMeter.policy, episodes, seed: 20, onEpisodeStart: (ctx) => singleTrace.set(ctx.episode, []), onTick: (t) => singleTrace.get(t.episode)!.push(...t.actions.flatMap((x) => [...x])) });
    // The same agents' twins, batched over n worlds.
    const batched = agentsFor(name, 11, goal);
    const batchedTrace = new Map<number, number[]>();
    const batchedMeter = meterCosts(agentPolicy(batched), batched[0]!.cost, batched[0]!.options.layout);
    const b = runVectorEpisodes({ sim, envs: n, policy: tracing(agentVectorPolicy(batched, batchedMeter), batchedTrace), episodes, seed: 20 });
    expect(b.episodes).toEqual(a.episodes);
    for (let e = 0; e < episodes; e++) expect(batchedTrace.get(e)).toEqual(singleTrace.get(e));
    expect(batchedMeter.means()).toEqual(singleMeter.means());
    single.forEach((agent, i) => {
      expect(batched[i]!.memory.totalWritten).toBe(a.totalSteps);
      expect(batched[i]!.memory.toBuffer().equals(agent.memory.toBuffer())).toBe(true);
      expect(batched[i]!.modeCounts).toEqual(agent.modeCounts);
    });
    [...single, ...batched].forEach((x) => x.dispose());
  });

  it('holds no more tensors after 10,000 batched ticks than before', () => {
    const sim = getSim('reach');
    const [agent] = agentsFor('reach', 3);
    const n = 8;
    const vec = new VectorEnv(sim, n);
    const batch = new AgentBatch(agent!, n);
    let r = vec.reset({ seed: 1 });
    for (let w = 0; w < n; w++) batch.begin(w, r.info.episode[w]!, r.info.seeds[w]!);
    const before = tf.memory().numTensors;
    for (let t = 0; t < 10_000; t++) {
      const tick = batch.tick(r.observations, r.info.active);
      r = vec.step(tick.actions);
      for (let w = 0; w < n; w++) {
        if (!r.info.final[w]) continue;
        batch.end(w);
        batch.begin(w, r.info.episode[w]!, r.info.seeds[w]!);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(agent!.memory.totalWritten).toBeGreaterThan(0);
    agent!.dispose();
  });

  it('refuses Mode-2 and wrong inputs in words', () => {
    const [agent] = agentsFor('reach', 3);
    const batch = new AgentBatch(agent!, 2);
    const size = agent!.options.layout.size;
    expect(() => batch.tick(new Float32Array(size), [true, true])).toThrow(/got \d+ values; expected 2 worlds × \d+/);
    expect(() => batch.tick(new Float32Array(2 * size), [true, true])).toThrow(/world 0 is active but has no episode/);
    batch.begin(0, 0, 0);
    expect(() => batch.begin(0, 1, 1)).toThrow(/world 0 is still in episode 0/);
    agent!.setTask({ mode: 'auto' });
    expect(() => batch.tick(new Float32Array(2 * size), [true, false])).toThrow(/Mode-1 only; this agent is in auto/);
    expect(() => new AgentBatch(agent!, 0)).toThrow(/≥ 1; got 0/);
    agent!.dispose();
  });
});
