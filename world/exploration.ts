// Policies that need no learning: uniform random, the sim's scripted controller, and reward-free exploration.
import { ACTION_SIZE } from './env.ts';
import type { PolicyFactory } from './episodes.ts';

/** Uniform random actions from the policy's seeded stream. */
export const randomPolicy: PolicyFactory = ({ env, rng }) => ({
  act: () => Array.from({ length: env.agentCount }, () => env.actionSpace.sample(rng)),
});

/** The sim's hand-written controller, which reads ground truth. */
export const scriptedPolicy: PolicyFactory = ({ env, scene }) => {
  const controller = env.sim.scripted(scene);
  return { act: (_observations, state) => controller(state) };
};

/**
 * Exploration without any success signal: random actions with momentum, a_t = clip(ρ·a_t−1 + σ·ε), so the
 * bodies travel instead of jittering in place.
 */
export function momentumPolicy(rho = 0.9, sigma = 0.45): PolicyFactory {
  return ({ env, rng }) => {
    const previous = Array.from({ length: env.agentCount }, () => new Float32Array(ACTION_SIZE));
    return {
      act: () =>
        previous.map((p) => {
          for (let j = 0; j < p.length; j++) p[j] = Math.max(-1, Math.min(1, rho * p[j]! + sigma * rng.normal()));
          return Float32Array.from(p);
        }),
    };
  };
}

/**
 * Exploration data that also covers the task's routes: each episode is, with probability `scriptedShare`, the sim's
 * scripted controller with the explorer's actions added as noise, and otherwise the explorer alone (momentum by
 * default). No success signal is used; offline datasets for world models mix such policies (PLDM, DINO-WM).
 */
export function mixedExploration(scriptedShare: number, explore: PolicyFactory = momentumPolicy()): PolicyFactory {
  if (!(scriptedShare >= 0 && scriptedShare <= 1)) throw new RangeError(`scriptedShare must be in [0, 1]; got ${scriptedShare}`);
  return (ctx) => {
    const noise = explore(ctx);
    if (scriptedShare === 0 || ctx.rng.next() >= scriptedShare) return noise;
    const controller = ctx.env.sim.scripted(ctx.scene);
    return {
      act: (observations, state) => {
        const jitter = noise.act(observations, state);
        return controller(state).map((a, i) => a.map((v, j) => Math.max(-1, Math.min(1, v + jitter[i]![j]!))));
      },
    };
  };
}
