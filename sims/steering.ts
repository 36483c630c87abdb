// Steering helpers shared by the scripted controllers: arrive at a point, wrap angles, measure distances.
import { topSpeed } from '../world/physics.ts';
import type { BodyState, SimDefinition, Vec } from '../world/sim.ts';

export function distance(a: Vec, b: Vec): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Wraps an angle to (-π, π]. */
export function wrapAngle(a: number): number {
  const twoPi = 2 * Math.PI;
  let w = ((a + Math.PI) % twoPi + twoPi) % twoPi - Math.PI;
  if (w === -Math.PI) w = Math.PI;
  return w;
}

/**
 * Arrive behaviour: a velocity-tracking controller that heads for `target` at top speed and slows down near it.
 * @param slowRadius distance in pixels at which the agent starts braking
 * @returns a [2] action in [-1, 1]
 */
export function arrive(sim: SimDefinition, agent: BodyState, target: Vec, slowRadius = 40): Float32Array {
  const dx = target.x - agent.x;
  const dy = target.y - agent.y;
  const dist = Math.hypot(dx, dy);
  const vmax = topSpeed(sim);
  const speed = dist > slowRadius ? vmax : (vmax * dist) / slowRadius;
  const desiredX = dist > 1e-9 ? (dx / dist) * speed : 0;
  const desiredY = dist > 1e-9 ? (dy / dist) * speed : 0;
  const gain = 1 / sim.body.maxAccel;
  const clamp = (v: number): number => Math.max(-1, Math.min(1, v));
  return Float32Array.of(clamp((desiredX - agent.vx) * gain), clamp((desiredY - agent.vy) * gain));
}
