// push: one round pusher slides a T-shaped block to a target pose (after Push-T); it declares its own contact cost.
import type { SimWithCosts } from '../../agent/cost/index.ts';
import type { Pose, Vec } from '../../world/sim.ts';
import { POINT_AGENT, STANDARD_SENSORS } from '../bodies.ts';
import { distance, wrapAngle } from '../steering.ts';
import { pusherToContact } from './pusher-to-contact.ts';
import { scriptedPush } from './scripted.ts';
import { ARENA, MAX_STEPS, POSITION_SCALE, PUSH_ANGLE, PUSH_RADIUS, SIZE, T_BLOCK, T_SIZE, blockOf, targetOf } from './task.ts';

const sim: SimWithCosts = {
  name: 'push',
  description: `A round pusher slides a T-shaped block to a target pose (within ${PUSH_RADIUS} px and π/${Math.round(Math.PI / PUSH_ANGLE)}, ${MAX_STEPS} steps).`,
  arena: ARENA,
  maxSteps: MAX_STEPS,
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
    while (distance(agent, block) < T_BLOCK.safeRadius + 10);
    return { walls: [], agents: [agent], goals: [], blocks: [{ shape: 't', size: T_SIZE, ...block }], targets: [target], food: [], meta: {} };
  },
  goalOf: (state) => blockOf(state),
  success(state) {
    const block = blockOf(state);
    const target = targetOf(state);
    return distance(block, target) < PUSH_RADIUS && Math.abs(wrapAngle(block.angle - target.angle)) < PUSH_ANGLE;
  },
  features: [
    { name: 'block.dx', read: (state, i) => (blockOf(state).x - state.agents[i]!.x) / POSITION_SCALE },
    { name: 'block.dy', read: (state, i) => (blockOf(state).y - state.agents[i]!.y) / POSITION_SCALE },
    { name: 'block.cos', read: (state) => Math.cos(blockOf(state).angle) },
    { name: 'block.sin', read: (state) => Math.sin(blockOf(state).angle) },
    { name: 'target.dx', read: (state) => (targetOf(state).x - blockOf(state).x) / POSITION_SCALE },
    { name: 'target.dy', read: (state) => (targetOf(state).y - blockOf(state).y) / POSITION_SCALE },
    { name: 'target.dangle', read: (state) => wrapAngle(targetOf(state).angle - blockOf(state).angle) / Math.PI },
  ],
  suggestedCosts: [
    { name: 'block-to-target', weight: 1 },
    { name: 'pusher-to-contact', weight: 0.1 },
    { name: 'energy', weight: 0.001 },
  ],
  costs: [pusherToContact],
  // The costs need the block's pose to a few pixels: s carries the features themselves, predicted over the rollout.
  stateSlot: { weight: 1000 },
  scripted: () => scriptedPush(sim),
};

export default sim;
