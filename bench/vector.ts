// Vector benchmark: headless steps/s of the CLI's agents and of training collection, batched over N worlds, against today's per-tick path and the bare env.
import { loadAgent } from '../agent/agent-checkpoint.ts';
import { Agent } from '../agent/agent.ts';
import { preparePolicy, type AgentName } from '../agent/harness/policies.ts';
import { collectExperience } from '../agent/training/experience.ts';
import { getSim, shippedCheckpoint } from '../sims/index.ts';
import { Env } from '../world/env.ts';
import { runEpisodes, type PolicyFactory } from '../world/episodes.ts';
import { mixedExploration, randomPolicy, scriptedPolicy } from '../world/exploration.ts';
import { runVectorEpisodes } from '../world/vector-episodes.ts';

export interface VectorBenchRow {
  what: string;
  /** Worlds in lockstep; null for the per-tick path or the bare env. */
  envs: number | null;
  stepsPerSecond: number;
  /** stepsPerSecond over the row's baseline, measured in the same run. */
  ratio: number;
  baseline: string;
}

/** Steps/s of the run command's policy for `agent` (shipped checkpoint, costs metered), per tick or over N worlds. */
function runSpeed(agentName: AgentName, envs: number | null, episodes: number): number {
  const sim = getSim('reach');
  const prepared = preparePolicy(sim, agentName, { seed: 0, shippedCheckpoint: shippedCheckpoint(sim.name) });
  try {
    const result =
      envs === null
        ? runEpisodes({ sim, policy: prepared.policy, episodes, seed: 0 })
        : runVectorEpisodes({ sim, envs, policy: prepared.vector!, episodes, seed: 0 });
    return result.stepsPerSecond;
  } finally {
    for (const agent of prepared.agents) agent.dispose();
  }
}

/** The bare env under a policy: no costs, no agent, no runner hooks. */
function bareSpeed(policy: PolicyFactory, episodes: number): number {
  return runEpisodes({ sim: getSim('reach'), policy, episodes, seed: 0 }).stepsPerSecond;
}

/** Training collection into a Mode-1 agent: tick by tick through the episode runner (today's path) or over N worlds. */
function collectionSpeed(envs: number | null, transitions: number): number {
  const sim = getSim('reach');
  const layout = new Env(sim).observationLayout;
  const checkpoint = shippedCheckpoint(sim.name);
  const agent = checkpoint
    ? loadAgent(checkpoint, { layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs }, sim.name, {})
    : new Agent({ layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs });
  const policy = mixedExploration(0.5);
  const started = performance.now();
  if (envs === null) {
    let recorded = 0;
    runEpisodes({
      sim,
      policy,
      episodes: Infinity,
      seed: 0,
      onEpisodeStart: () => agent.beginEpisode(),
      onTick: ({ observations, actions }) => {
        agent.observe(observations[0]!, actions[0]!);
        recorded++;
      },
      onEpisode: () => agent.endEpisode(),
      stop: () => recorded >= transitions,
    });
  } else collectExperience(agent, sim, transitions, 0, policy, envs);
  const seconds = (performance.now() - started) / 1000;
  agent.dispose();
  return transitions / seconds;
}

/** Every row, each against its baseline in this run (wasm backend expected). */
export function benchVector(options: { scale?: number } = {}): VectorBenchRow[] {
  const scale = options.scale ?? 1;
  const rows: VectorBenchRow[] = [];
  // Warm-up: the first runs pay for kernel compilation and JIT.
  runSpeed('mode1', null, 5);
  runSpeed('mode1', 8, 16);

  const mode1Today = runSpeed('mode1', null, Math.round(60 * scale));
  rows.push({ what: 'mode1 (run, reach)', envs: null, stepsPerSecond: mode1Today, ratio: 1, baseline: 'itself: today\'s per-tick path' });
  for (const n of [1, 8, 64, 256]) {
    const v = runSpeed('mode1', n, Math.max(Math.round(60 * scale), 2 * n));
    rows.push({ what: 'mode1 (run, reach)', envs: n, stepsPerSecond: v, ratio: v / mode1Today, baseline: 'mode1 per tick' });
  }

  const episodes = Math.round(40 * scale);
  for (const [name, policy] of [['random', randomPolicy], ['scripted', scriptedPolicy]] as const) {
    bareSpeed(policy, 5);
    runSpeed(name, null, 5);
    runSpeed(name, 64, 64);
    const bare = bareSpeed(policy, episodes);
    rows.push({ what: `${name}: bare env (reach)`, envs: null, stepsPerSecond: bare, ratio: 1, baseline: 'itself' });
    const today = runSpeed(name, null, episodes);
    rows.push({ what: `${name} (run, reach)`, envs: null, stepsPerSecond: today, ratio: today / bare, baseline: 'bare env' });
    const vector = runSpeed(name, 64, Math.max(episodes, 128));
    rows.push({ what: `${name} (run, reach)`, envs: 64, stepsPerSecond: vector, ratio: vector / bare, baseline: 'bare env' });
  }

  const transitions = Math.round(20_000 * scale);
  bareSpeed(mixedExploration(0.5), 5);
  collectionSpeed(16, 2000);
  const envSpeed = bareSpeed(mixedExploration(0.5), Math.round(100 * scale));
  rows.push({ what: 'exploration: bare env (reach)', envs: null, stepsPerSecond: envSpeed, ratio: 1, baseline: 'itself' });
  const collectToday = collectionSpeed(null, transitions);
  rows.push({ what: 'training collection (reach)', envs: null, stepsPerSecond: collectToday, ratio: collectToday / envSpeed, baseline: 'bare env' });
  for (const n of [1, 16, 64]) {
    const v = collectionSpeed(n, transitions);
    rows.push({ what: 'training collection (reach)', envs: n, stepsPerSecond: v, ratio: v / envSpeed, baseline: 'bare env' });
  }
  return rows;
}
