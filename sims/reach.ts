// reach: one point agent and one goal in an open arena; success within 15 px of the goal.
import { POINT_AGENT, STANDARD_SENSORS } from './bodies.ts';
import { defineSim } from '../world/sim.ts';
import { arrive, distance } from './steering.ts';

const SIZE = 400;
const MARGIN = 40;
export const REACH_RADIUS = 15;
const MAX_STEPS = 200;

const sim = defineSim({
  name: 'reach',
  description: `One point agent must reach a random goal in an open arena (within ${REACH_RADIUS} px, ${MAX_STEPS} steps).`,
  arena: { width: SIZE, height: SIZE },
  maxSteps: MAX_STEPS,
  agentCount: 1,
  body: POINT_AGENT,
  sensors: STANDARD_SENSORS,
  build(rng) {
    const agent = { x: rng.uniform(MARGIN, SIZE - MARGIN), y: rng.uniform(MARGIN, SIZE - MARGIN) };
    let goal = agent;
    while (distance(goal, agent) < 100) {
      goal = { x: rng.uniform(MARGIN, SIZE - MARGIN), y: rng.uniform(MARGIN, SIZE - MARGIN) };
    }
    return { walls: [], agents: [agent], goals: [goal], blocks: [], targets: [], food: [], meta: {} };
  },
  success: (state) => distance(state.agents[0]!, state.goals[0]!) < REACH_RADIUS,
  suggestedCosts: [
    { name: 'goal-distance', weight: 1 },
    { name: 'energy', weight: 0.01 },
  ],
  scripted() {
    return (state) => [arrive(sim, state.agents[0]!, state.goals[0]!)];
  },
});

export default sim;
