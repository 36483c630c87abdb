// forage: three agents share an arena with two small obstacles and five food items that respawn when eaten; eat 24 as a team.
import { POINT_AGENT, STANDARD_SENSORS } from './bodies.ts';
import { positionScale } from '../world/features.ts';
import type { Rng } from '../world/rng.ts';
import type { SimDefinition, Vec, WallSpec, WorldState } from '../world/sim.ts';
import { defineSim } from '../world/sim.ts';
import { arrive, distance } from './steering.ts';

const SIZE = 400;
const MARGIN = 25;
const AGENTS = 3;
const FOOD = 5;
const OBSTACLES = 2;
const MAX_STEPS = 300;
const RADIUS = POINT_AGENT.radius;
/** An agent eats a food item when its centre comes within this many pixels of it. */
export const EAT_RADIUS = RADIUS + 6;
/** Food the team must eat for success. */
export const FORAGE_TARGET = 24;
/** Respawned food lands at least this far from every agent, so no item is eaten for free. */
const RESPAWN_CLEARANCE = 60;

/** Distance from a point to an axis-aligned wall (0 inside it). */
function wallDistance(p: Vec, w: WallSpec): number {
  return Math.hypot(Math.max(Math.abs(p.x - w.x) - w.width / 2, 0), Math.max(Math.abs(p.y - w.y) - w.height / 2, 0));
}

/** A uniform point at least `clear` px from every wall and `away` px from every point in `avoid`. */
function freePoint(rng: Rng, walls: readonly WallSpec[], clear: number, avoid: readonly Vec[] = [], away = 0): Vec {
  for (;;) {
    const p = { x: rng.uniform(MARGIN, SIZE - MARGIN), y: rng.uniform(MARGIN, SIZE - MARGIN) };
    if (walls.every((w) => wallDistance(p, w) >= clear) && avoid.every((q) => distance(p, q) >= away)) return p;
  }
}

/** Index of the point in `points` nearest to `from` (lowest index on ties), or -1 if none. */
function nearest(from: Vec, points: readonly Vec[], skip = -1): number {
  let best = -1;
  let bestDist = Infinity;
  points.forEach((p, j) => {
    const d = distance(from, p);
    if (j !== skip && d < bestDist) {
      best = j;
      bestDist = d;
    }
  });
  return best;
}

/** Greedy agent-to-food assignment: repeatedly pair the closest free agent and free item. */
function assignFood(state: WorldState): number[] {
  const pairs = state.agents.flatMap((a, i) => state.food.map((f, j) => ({ i, j, d: distance(a, f) })));
  pairs.sort((p, q) => p.d - q.d || p.i - q.i || p.j - q.j);
  const target = state.agents.map(() => -1);
  const taken = new Set<number>();
  for (const { i, j } of pairs) {
    if (target[i] !== -1 || taken.has(j)) continue;
    target[i] = j;
    taken.add(j);
  }
  return target;
}

/** Whether the segment a→b crosses wall `w` grown by `pad` on every side (Liang–Barsky clipping). */
function crosses(a: Vec, b: Vec, w: WallSpec, pad: number): boolean {
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    return t0 <= t1;
  };
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const hw = w.width / 2 + pad;
  const hh = w.height / 2 + pad;
  return clip(-dx, a.x - (w.x - hw)) && clip(dx, w.x + hw - a.x) && clip(-dy, a.y - (w.y - hh)) && clip(dy, w.y + hh - a.y);
}

/** The next point to steer for on the way from a to b: b itself, or the best visible corner (not the one it is at) of the nearest wall in the way. */
function waypoint(a: Vec, b: Vec, walls: readonly WallSpec[]): Vec {
  const blocking = walls.filter((w) => crosses(a, b, w, RADIUS + 2));
  if (blocking.length === 0) return b;
  const wall = blocking.reduce((p, q) => (wallDistance(a, q) < wallDistance(a, p) ? q : p));
  const hw = wall.width / 2 + RADIUS + 8;
  const hh = wall.height / 2 + RADIUS + 8;
  const corners = [-1, 1].flatMap((sx) => [-1, 1].map((sy) => ({ x: wall.x + sx * hw, y: wall.y + sy * hh })));
  const visible = corners.filter((c) => distance(a, c) > RADIUS && !crosses(a, c, wall, RADIUS + 2));
  const cost = (c: Vec): number => distance(a, c) + distance(c, b);
  return (visible.length > 0 ? visible : corners).reduce((p, q) => (cost(q) < cost(p) ? q : p));
}

const counter = (state: WorldState, name: string): number => state.counters[name] ?? 0;

/** Vector to the nearest other agent, per axis, in position-scale units and clipped to [-1, 1]. */
function otherAxis(axis: 'x' | 'y') {
  return (state: WorldState, agent: number, sim: SimDefinition): number => {
    const self = state.agents[agent]!;
    const other = state.agents[nearest(self, state.agents, agent)];
    return other ? Math.max(-1, Math.min(1, (other[axis] - self[axis]) / positionScale(sim.arena))) : 0;
  };
}

const spelled = (n: number): string => ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][n] ?? String(n);
const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const sim = defineSim({
  name: 'forage',
  description: `${capitalised(spelled(AGENTS))} agents eat respawning food (${spelled(FOOD)} items) around ${spelled(OBSTACLES)} obstacles; success when the team has eaten ${FORAGE_TARGET} (within ${EAT_RADIUS} px, ${MAX_STEPS} steps).`,
  arena: { width: SIZE, height: SIZE },
  maxSteps: MAX_STEPS,
  agentCount: AGENTS,
  body: POINT_AGENT,
  sensors: STANDARD_SENSORS,
  build(rng) {
    const walls: WallSpec[] = [];
    while (walls.length < OBSTACLES) {
      const w = { x: rng.uniform(90, SIZE - 90), y: rng.uniform(90, SIZE - 90), width: rng.uniform(20, 60), height: rng.uniform(20, 60) };
      if (walls.every((o) => distance(o, w) > 120)) walls.push(w);
    }
    const agents: Vec[] = [];
    while (agents.length < AGENTS) agents.push(freePoint(rng, walls, RADIUS + 10, agents, 4 * RADIUS));
    const food: Vec[] = [];
    while (food.length < FOOD) food.push(freePoint(rng, walls, RADIUS + 10, agents, RESPAWN_CLEARANCE));
    return { walls, agents, goals: [], blocks: [], targets: [], food, meta: { foodTarget: FORAGE_TARGET } };
  },
  goalOf: (state, agent) => state.food[nearest(state.agents[agent]!, state.food)]!,
  afterStep(state, rng) {
    state.agents.forEach((a, i) => {
      state.food.forEach((f, j) => {
        if (distance(a, f) >= EAT_RADIUS) return;
        state.counters['food.eaten'] = counter(state, 'food.eaten') + 1;
        state.counters[`food.eaten.${i}`] = counter(state, `food.eaten.${i}`) + 1;
        state.food[j] = freePoint(rng, state.scene.walls, RADIUS + 10, state.agents, RESPAWN_CLEARANCE);
      });
    });
  },
  success: (state) => counter(state, 'food.eaten') >= FORAGE_TARGET,
  features: [
    { name: 'food.eaten', read: (state) => Math.min(1, counter(state, 'food.eaten') / FORAGE_TARGET) },
    { name: 'other.dx', read: otherAxis('x') },
    { name: 'other.dy', read: otherAxis('y') },
  ],
  suggestedCosts: [
    { name: 'goal-distance', weight: 1 },
    { name: 'collision-risk', weight: 0.2 },
    { name: 'energy', weight: 0.01 },
  ],
  scripted() {
    return (state) => {
      const target = assignFood(state);
      return state.agents.map((a, i) => arrive(sim, a, waypoint(a, state.food[target[i]!]!, state.scene.walls), 1));
    };
  },
});

export default sim;
