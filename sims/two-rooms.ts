// two-rooms: two rooms split by a wall with one door at a random height; start in one room, goal in the other.
import { POINT_AGENT, STANDARD_SENSORS } from './bodies.ts';
import type { Vec } from '../world/sim.ts';
import { positionScale } from '../world/features.ts';
import { defineSim } from '../world/sim.ts';
import { arrive, distance } from './steering.ts';

const SIZE = 400;
const WALL_X = SIZE / 2;
const WALL_THICKNESS = 10;
const DOOR_WIDTH = 60;
export const TWO_ROOMS_RADIUS = 16;
const MAX_STEPS = 200;

const sim = defineSim({
  name: 'two-rooms',
  description: `Two rooms joined by one door at a random height; reach the goal in the other room (${TWO_ROOMS_RADIUS} px, ${MAX_STEPS} steps).`,
  arena: { width: SIZE, height: SIZE },
  maxSteps: MAX_STEPS,
  agentCount: 1,
  body: POINT_AGENT,
  sensors: STANDARD_SENSORS,
  build(rng) {
    const doorY = rng.uniform(80, SIZE - 80);
    const top = doorY - DOOR_WIDTH / 2;
    const bottom = doorY + DOOR_WIDTH / 2;
    const walls = [
      { x: WALL_X, y: top / 2, width: WALL_THICKNESS, height: top },
      { x: WALL_X, y: (bottom + SIZE) / 2, width: WALL_THICKNESS, height: SIZE - bottom },
    ];
    const startLeft = rng.next() < 0.5;
    const room = (left: boolean): Vec => ({
      x: left ? rng.uniform(30, WALL_X - 30) : rng.uniform(WALL_X + 30, SIZE - 30),
      y: rng.uniform(30, SIZE - 30),
    });
    const agent = room(startLeft);
    const goal = room(!startLeft);
    return { walls, agents: [agent], goals: [goal], blocks: [], targets: [], food: [], meta: { doorY, wallX: WALL_X } };
  },
  success: (state) => distance(state.agents[0]!, state.goals[0]!) < TWO_ROOMS_RADIUS,
  // The door's centre relative to the agent: the anchors' agents see the whole room, door included, in their image.
  features: [
    { name: 'door.dx', read: (state, i, sim) => (WALL_X - state.agents[i]!.x) / positionScale(sim.arena) },
    { name: 'door.dy', read: (state, i, sim) => (state.scene.meta.doorY! - state.agents[i]!.y) / positionScale(sim.arena) },
  ],
  suggestedCosts: [
    { name: 'goal-distance', weight: 1 },
    { name: 'collision-risk', weight: 0.2 },
    { name: 'energy', weight: 0.01 },
  ],
  // The straight line to the goal runs into the wall: plan with a learned time to the goal that goes through the door.
  goalCritic: { weight: 0.5 },
  scripted(scene) {
    const doorY = scene.meta.doorY!;
    return (state) => {
      const agent = state.agents[0]!;
      const goal = state.goals[0]!;
      const side = Math.sign(agent.x - WALL_X);
      if (side === Math.sign(goal.x - WALL_X)) return [arrive(sim, agent, goal)];
      const aligned = Math.abs(agent.y - doorY) < DOOR_WIDTH / 2 - 16;
      const waypoint = aligned ? { x: WALL_X - side * 30, y: doorY } : { x: WALL_X + side * 25, y: doorY };
      return [arrive(sim, agent, waypoint, aligned ? 1 : 30)];
    };
  },
});

export default sim;
