// Push's scripted controller: choose a contact by contactScores, walk to it around the block, then push while holding it.
import type { Pose, ScriptedController, SimDefinition, Vec } from '../../world/sim.ts';
import { arrive, distance, wrapAngle } from '../steering.ts';
import { partsDistance, rotate, toLocal, toWorld } from './t-block.ts';
import { PUSHER_RADIUS, SIZE, T_BLOCK, blockOf, contactScores, targetOf } from './task.ts';

/** Gap between pusher and block before a push starts, in pixels. */
const GAP = 8;

const blockDistance = (p: Vec): number => partsDistance(T_BLOCK.parts, p);

/** Whether the straight path a→b keeps the pusher clear of the block. */
function clearPath(a: Vec, b: Vec, pose: Pose): boolean {
  const steps = Math.ceil(distance(a, b) / 3);
  for (let k = 0; k <= steps; k++) {
    const t = steps === 0 ? 0 : k / steps;
    if (blockDistance(toLocal({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }, pose)) < PUSHER_RADIUS + 2) return false;
  }
  return true;
}

const inArena = (p: Vec): boolean => p.x > PUSHER_RADIUS + 2 && p.x < SIZE - PUSHER_RADIUS - 2 && p.y > PUSHER_RADIUS + 2 && p.y < SIZE - PUSHER_RADIUS - 2;

/** The next point on the way to `goal` that avoids the block: the goal itself, or a step around the block on a safe circle. */
function detour(agent: Vec, goal: Vec, pose: Pose): Vec {
  if (clearPath(agent, goal, pose)) return goal;
  const from = Math.atan2(agent.y - pose.y, agent.x - pose.x);
  const delta = wrapAngle(Math.atan2(goal.y - pose.y, goal.x - pose.x) - from);
  const around = (dir: number): Vec => ({ x: pose.x + T_BLOCK.safeRadius * Math.cos(from + dir * 0.6), y: pose.y + T_BLOCK.safeRadius * Math.sin(from + dir * 0.6) });
  const preferred = delta >= 0 ? 1 : -1;
  return inArena(around(preferred)) || !inArena(around(-preferred)) ? around(preferred) : around(-preferred);
}

/**
 * Greedy contact choice: every step, score each contact reachable inside the arena, keep the current contact while it
 * stays within 70% of the best, walk to it around the block, then push, steering to hold the contact point.
 */
export function scriptedPush(sim: SimDefinition): ScriptedController {
  let current = -1;
  let pushing = false;
  return (state) => {
    const agent = state.agents[0]!;
    const pose = blockOf(state);
    const scores = contactScores(pose, targetOf(state)).map((score, k) => (inArena(toWorld(T_BLOCK.contacts[k]!.pusher, pose)) ? score : -Infinity));
    const best = scores.indexOf(Math.max(...scores));
    if (current < 0 || !(scores[current]! > 0.7 * scores[best]!)) {
      if (current !== best) pushing = false;
      current = best;
    }
    const c = T_BLOCK.contacts[current]!;
    const spot = toWorld(c.pusher, pose);
    const force = rotate(c.force, pose.angle);
    const start = { x: spot.x - force.x * GAP, y: spot.y - force.y * GAP };
    const along = (agent.x - spot.x) * force.x + (agent.y - spot.y) * force.y;
    const lateral = (agent.x - spot.x) * -force.y + (agent.y - spot.y) * force.x;
    if (pushing && (Math.abs(lateral) > 6 || along < -GAP - 8)) pushing = false;
    if (!pushing && distance(agent, start) < 3) pushing = true;
    if (!pushing) return [arrive(sim, agent, detour(agent, start, pose), 20)];
    const clamp = (v: number): number => Math.max(-1, Math.min(1, v));
    return [Float32Array.of(clamp(force.x + 0.3 * lateral * force.y), clamp(force.y - 0.3 * lateral * force.x))];
  };
}
