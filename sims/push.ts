// push: one round pusher slides a T-shaped block to a target pose (after Push-T); success within 20 px and π/9.
import { POINT_AGENT, STANDARD_SENSORS } from './bodies.ts';
import type { Pose, Vec, WorldState } from '../world/sim.ts';
import type { SimWithCosts } from '../agent/cost/registry.ts';
import { pusherToContact } from '../agent/cost/pusher-to-contact.ts';
import { arrive, distance, wrapAngle } from './steering.ts';
import { partsDistance, tBlockGeometry } from '../world/t-block.ts';

const SIZE = 400;
const RADIUS = POINT_AGENT.radius;
/** Bar length of the T in pixels; bar and stem are a quarter of that thick. */
const T_SIZE = 60;
export const PUSH_RADIUS = 20;
export const PUSH_ANGLE = Math.PI / 9;
/** Gap between pusher and block before a push starts, in pixels. */
const GAP = 8;
/** Scale that makes an angle error count like a position error: the success tolerances' ratio. */
const ANGLE_SCALE = PUSH_RADIUS / PUSH_ANGLE;

const T_BLOCK = tBlockGeometry(T_SIZE, RADIUS);
const GYRATION2 = T_BLOCK.gyration2;
const SAFE_RADIUS = T_BLOCK.safeRadius;
const CONTACTS = T_BLOCK.contacts;

const rotate = (v: Vec, angle: number): Vec => {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { x: v.x * c - v.y * s, y: v.x * s + v.y * c };
};
const toLocal = (p: Vec, pose: Pose): Vec => rotate({ x: p.x - pose.x, y: p.y - pose.y }, -pose.angle);
const toWorld = (p: Vec, pose: Pose): Vec => {
  const r = rotate(p, pose.angle);
  return { x: pose.x + r.x, y: pose.y + r.y };
};
const blockDistance = (p: Vec): number => partsDistance(T_BLOCK.parts, p);

/** Whether the straight path a→b keeps the pusher clear of the block. */
function clearPath(a: Vec, b: Vec, pose: Pose): boolean {
  const steps = Math.ceil(distance(a, b) / 3);
  for (let k = 0; k <= steps; k++) {
    const t = steps === 0 ? 0 : k / steps;
    if (blockDistance(toLocal({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }, pose)) < RADIUS + 2) return false;
  }
  return true;
}

const inArena = (p: Vec): boolean => p.x > RADIUS + 2 && p.x < SIZE - RADIUS - 2 && p.y > RADIUS + 2 && p.y < SIZE - RADIUS - 2;

/** The next point on the way to `goal` that avoids the block: the goal itself, or a step around the block on a safe circle. */
function detour(agent: Vec, goal: Vec, pose: Pose): Vec {
  if (clearPath(agent, goal, pose)) return goal;
  const from = Math.atan2(agent.y - pose.y, agent.x - pose.x);
  const delta = wrapAngle(Math.atan2(goal.y - pose.y, goal.x - pose.x) - from);
  const around = (dir: number): Vec => ({ x: pose.x + SAFE_RADIUS * Math.cos(from + dir * 0.6), y: pose.y + SAFE_RADIUS * Math.sin(from + dir * 0.6) });
  const preferred = delta >= 0 ? 1 : -1;
  return inArena(around(preferred)) || !inArena(around(-preferred)) ? around(preferred) : around(-preferred);
}

const blockOf = (state: WorldState): Pose => state.blocks[0]!;
const targetOf = (state: WorldState): Pose => state.scene.targets[0]!;

const sim: SimWithCosts = {
  name: 'push',
  description: 'A round pusher slides a T-shaped block to a target pose (within 20 px and π/9, 500 steps).',
  arena: { width: SIZE, height: SIZE },
  maxSteps: 500,
  agentCount: 1,
  body: POINT_AGENT,
  sensors: STANDARD_SENSORS,
  build(rng) {
    const target = { x: rng.uniform(130, SIZE - 130), y: rng.uniform(130, SIZE - 130), angle: rng.uniform(-Math.PI, Math.PI) };
    let block: Pose;
    do {
      const heading = rng.uniform(-Math.PI, Math.PI);
      const d = rng.uniform(60, 120);
      block = { x: target.x + d * Math.cos(heading), y: target.y + d * Math.sin(heading), angle: wrapAngle(target.angle + rng.uniform(-Math.PI / 3, Math.PI / 3)) };
    } while (block.x < 80 || block.x > SIZE - 80 || block.y < 80 || block.y > SIZE - 80);
    let agent: Vec;
    do agent = { x: rng.uniform(30, SIZE - 30), y: rng.uniform(30, SIZE - 30) };
    while (distance(agent, block) < SAFE_RADIUS + 10);
    return { walls: [], agents: [agent], goals: [], blocks: [{ shape: 't', size: T_SIZE, ...block }], targets: [target], food: [], meta: {} };
  },
  goalOf: (state) => blockOf(state),
  success(state) {
    const block = blockOf(state);
    const target = targetOf(state);
    return distance(block, target) < PUSH_RADIUS && Math.abs(wrapAngle(block.angle - target.angle)) < PUSH_ANGLE;
  },
  features: [
    { name: 'block.dx', read: (state, i) => (blockOf(state).x - state.agents[i]!.x) / 200 },
    { name: 'block.dy', read: (state, i) => (blockOf(state).y - state.agents[i]!.y) / 200 },
    { name: 'block.cos', read: (state) => Math.cos(blockOf(state).angle) },
    { name: 'block.sin', read: (state) => Math.sin(blockOf(state).angle) },
    { name: 'target.dx', read: (state) => (targetOf(state).x - blockOf(state).x) / 200 },
    { name: 'target.dy', read: (state) => (targetOf(state).y - blockOf(state).y) / 200 },
    { name: 'target.dangle', read: (state) => wrapAngle(targetOf(state).angle - blockOf(state).angle) / Math.PI },
  ],
  suggestedCosts: [
    { name: 'block-to-target', weight: 1 },
    { name: 'pusher-to-contact', weight: 0.1 },
    { name: 'energy', weight: 0.001 },
  ],
  costs: [pusherToContact],
  /**
   * Greedy contact choice: every step, score each contact by how fast its push (frictionless, so along the face normal)
   * would shrink the position and angle error, keep the current contact while it stays within 70% of the best,
   * walk to it around the block, then push, steering to hold the contact point.
   */
  scripted() {
    let current = -1;
    let pushing = false;
    return (state) => {
      const agent = state.agents[0]!;
      const pose = blockOf(state);
      const target = targetOf(state);
      const ex = target.x - pose.x;
      const ey = target.y - pose.y;
      const ea = wrapAngle(target.angle - pose.angle) * ANGLE_SCALE * ANGLE_SCALE;
      const scores = CONTACTS.map((c) => {
        if (!inArena(toWorld(c.pusher, pose))) return -Infinity;
        const f = rotate(c.force, pose.angle);
        return ex * f.x + ey * f.y + (ea * (c.point.x * c.force.y - c.point.y * c.force.x)) / GYRATION2;
      });
      const best = scores.indexOf(Math.max(...scores));
      if (current < 0 || !(scores[current]! > 0.7 * scores[best]!)) {
        if (current !== best) pushing = false;
        current = best;
      }
      const c = CONTACTS[current]!;
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
  },
};

export default sim;
