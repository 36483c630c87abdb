// An environment checker in the mould of Gymnasium's check_env: API shape, spaces, bounds and seed determinism.
import { Env } from './env.ts';
import { Rng } from './rng.ts';
import type { SimDefinition } from './sim.ts';

function sameArray(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Checks a sim's environment and throws an Error listing every problem found.
 * @param steps how many random steps to take in each probe
 */
export function checkEnv(sim: SimDefinition, options: { seed?: number; steps?: number } = {}): void {
  const seed = options.seed ?? 1;
  const steps = options.steps ?? 100;
  const problems: string[] = [];
  const fail = (msg: string): void => {
    problems.push(msg);
  };

  const run = (): { observations: Float32Array[]; terminal: boolean[] } => {
    const env = new Env(sim);
    const rng = new Rng(seed);
    const observations: Float32Array[] = [];
    const terminal: boolean[] = [];
    const first = env.reset({ seed });
    if (first.observations.length !== sim.agentCount) fail(`reset returned ${first.observations.length} observations for ${sim.agentCount} agents`);
    observations.push(...first.observations);
    for (let t = 0; t < steps; t++) {
      const actions = Array.from({ length: sim.agentCount }, () => env.actionSpace.sample(rng));
      const r = env.step(actions);
      if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') fail('step must return boolean terminated and truncated');
      for (const [i, obs] of r.observations.entries()) {
        if (!env.observationSpace.contains(obs)) fail(`step ${t}: observation of agent ${i} is outside the observation space or has NaN`);
        if (obs.length !== env.observationLayout.size) fail(`observation length ${obs.length} != layout size ${env.observationLayout.size}`);
      }
      observations.push(...r.observations);
      terminal.push(r.terminated || r.truncated);
      if (r.terminated || r.truncated) env.reset();
    }
    return { observations, terminal };
  };

  // Step 1. Same seed and same actions give bit-identical trajectories.
  const a = run();
  const b = run();
  if (a.observations.length !== b.observations.length || a.observations.some((o, i) => !sameArray(o, b.observations[i]!))) {
    fail('two runs with the same seed and actions differ: the env is not deterministic');
  }

  // Step 2. Different seeds give different episodes.
  const env = new Env(sim);
  const o1 = env.reset({ seed }).observations[0]!;
  const o2 = env.reset({ seed: seed + 1 }).observations[0]!;
  if (sameArray(o1, o2)) fail(`seeds ${seed} and ${seed + 1} produce the same first observation: reset ignores the seed`);

  // Step 3. Bad actions are refused, out-of-range actions clamped.
  env.reset({ seed });
  const nan = Array.from({ length: sim.agentCount }, () => Float32Array.of(Number.NaN, 0));
  try {
    env.step(nan);
    fail('a NaN action was accepted; it must throw');
  } catch (e) {
    if (!(e instanceof RangeError)) fail(`a NaN action threw ${String(e)} instead of a RangeError`);
  }
  try {
    env.step(Array.from({ length: sim.agentCount }, () => Float32Array.of(5, -5)));
  } catch (e) {
    fail(`an out-of-range action threw (${String(e)}); it must be clamped`);
  }

  // Step 4. The episode is truncated at maxSteps.
  env.reset({ seed });
  const idle = Array.from({ length: sim.agentCount }, () => new Float32Array(2));
  let ended = false;
  for (let t = 0; t < sim.maxSteps && !ended; t++) {
    const r = env.step(idle);
    ended = r.terminated || r.truncated;
    if (r.truncated && r.info.state.step !== sim.maxSteps) fail(`truncated at step ${r.info.state.step}, maxSteps is ${sim.maxSteps}`);
  }
  if (!ended) fail(`episode did not end after maxSteps=${sim.maxSteps} steps`);

  if (problems.length > 0) throw new Error(`sim '${sim.name}' fails the env checker:\n- ${problems.join('\n- ')}`);
}
