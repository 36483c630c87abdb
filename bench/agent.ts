// Agent benchmark: Mode-1 milliseconds per decision (perception + configurator + actor) against a bare policy forward.
import * as tf from '@tensorflow/tfjs';
import { Agent } from '../agent/agent.ts';
import { initBackend, type BackendName } from '../agent/tensor/backend.ts';
import { Mlp } from '../agent/tensor/dense.ts';
import { getSim } from '../sims/index.ts';
import { Env } from '../world/env.ts';
import { Rng } from '../world/rng.ts';
import { percentiles } from '../agent/math/percentiles.ts';

export interface AgentBenchRow {
  backend: BackendName;
  decision: { median: number; p95: number };
  /** The reference: a bare 64→256→256→2 MLP forward at batch 1, same backend, same run. */
  bareForward: { median: number; p95: number };
}

function bareForwardMs(ticks: number): { median: number; p95: number } {
  const mlp = new Mlp('bench', [64, 256, 256, 2], new Rng(1), 'relu', 'tanh');
  const x = new Float32Array(64).fill(0.1);
  const times: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const t0 = performance.now();
    tf.tidy(() => mlp.infer(tf.tensor2d(x, [1, 64])).dataSync());
    times.push(performance.now() - t0);
  }
  mlp.dispose();
  return percentiles(times.slice(ticks / 5));
}

function decisionMs(ticks: number): { median: number; p95: number } {
  const sim = getSim('reach');
  const env = new Env(sim);
  const agent = new Agent({ layout: env.observationLayout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, config: { seed: 1 } });
  let observations = env.reset({ seed: 1 }).observations;
  for (let t = 0; t < ticks; t++) {
    const r = env.step([agent.tick(observations[0]!)]);
    observations = r.observations;
    if (r.terminated || r.truncated) {
      observations = env.reset().observations;
      agent.beginEpisode();
    }
  }
  const result = percentiles(agent.decisionMs.slice(ticks / 5));
  agent.dispose();
  return result;
}

export async function benchAgent(backends: BackendName[] = ['wasm', 'cpu'], ticks = 4000): Promise<AgentBenchRow[]> {
  const rows: AgentBenchRow[] = [];
  for (const backend of backends) {
    await initBackend(backend);
    rows.push({ backend, decision: decisionMs(ticks), bareForward: bareForwardMs(ticks) });
  }
  return rows;
}
