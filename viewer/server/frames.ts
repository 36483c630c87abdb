// Turns world states and recording ticks into viewer frames: rounded poses, ray end points and trails.
import type { Env, Observation } from '../../world/env.ts';
import type { TickExtras } from '../../world/episodes.ts';
import { round, worldSnapshot } from '../../world/recording.ts';
import type { Vec, WorldState } from '../../world/sim.ts';
import type { Frame } from '../protocol.ts';

/** Each agent's rangefinder end points, read back from its observation (ray k points at angle 2πk/count). */
export function rayEndpoints(env: Env, state: WorldState, observations: readonly Observation[]): number[][] {
  const { rays, rayLength } = env.sim.sensors;
  return state.agents.map((a, i) => {
    const obs = observations[i]!;
    const out: number[] = [];
    for (let k = 0; k < rays; k++) {
      const reach = env.observationLayout.read(obs, `ray.${k}`)[0]! * rayLength;
      const angle = (2 * Math.PI * k) / rays;
      out.push(round(a.x + Math.cos(angle) * reach), round(a.y + Math.sin(angle) * reach));
    }
    return out;
  });
}

/** A live frame from the state after a step. */
export function liveFrame(
  index: number,
  episode: number,
  env: Env,
  state: WorldState,
  observations: readonly Observation[],
  success: boolean,
  extras: TickExtras = {},
): Frame {
  return {
    index,
    episode,
    step: state.step,
    ...worldSnapshot(state),
    rays: rayEndpoints(env, state, observations),
    ...(extras.costs ? { costs: extras.costs } : {}),
    ...(extras.overlay ? { overlay: extras.overlay } : {}),
    success,
  };
}

/** Keeps at most `max` points of a path, always including its last point. */
export function thin(path: readonly Vec[], max: number): Vec[] {
  if (path.length <= max) return [...path];
  const stride = Math.ceil(path.length / max);
  const out = path.filter((_, i) => i % stride === 0);
  if (out.at(-1) !== path.at(-1)) out.push(path.at(-1)!);
  return out;
}
