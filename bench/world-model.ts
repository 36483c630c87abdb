// World-model benchmark: training throughput (batch 256 sub-sequences) on each backend, measured in the same run.
import { Agent } from '../agent/agent.ts';
import { initBackend, type BackendName } from '../agent/tensor/backend.ts';
import { collectExperience } from '../agent/training/experience.ts';
import { WorldModelTrainer } from '../agent/world-model/trainer.ts';
import { PRESETS } from '../agent/training/training-run.ts';
import { getSim } from '../sims/index.ts';
import { Env } from '../world/env.ts';
import { Rng } from '../world/rng.ts';

export interface WorldModelBenchRow {
  backend: BackendName;
  msPerStep: number;
  transitionsPerSecond: number;
}

export async function benchWorldModel(backends: BackendName[] = ['wasm', 'cpu'], steps = 8, batch = 256): Promise<WorldModelBenchRow[]> {
  const sim = getSim('reach');
  const layout = new Env(sim).observationLayout;
  const sequence = PRESETS.quick.sequence;
  const rows: WorldModelBenchRow[] = [];
  for (const backend of backends) {
    await initBackend(backend);
    const agent = new Agent({ layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, config: { seed: 1, worldModel: { enabled: true }, memory: { capacity: 3000 } } });
    collectExperience(agent, sim, 3000, 0);
    const trainer = new WorldModelTrainer(agent.perception, agent.hjepa);
    const rng = new Rng(1);
    for (let i = 0; i < 2; i++) trainer.step(agent.memory.sample(sequence, batch, rng), rng);
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainer.step(agent.memory.sample(sequence, batch, rng), rng);
    const ms = (performance.now() - started) / steps;
    rows.push({ backend, msPerStep: ms, transitionsPerSecond: (batch * sequence) / (ms / 1000) });
    trainer.dispose();
    agent.dispose();
  }
  return rows;
}
