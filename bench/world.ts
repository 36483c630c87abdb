// World benchmark: env steps per second (physics + sensors + observation) against bare matter-js on the same bodies.
import Matter from 'matter-js';
import { sims } from '../sims/index.ts';
import { Env } from '../world/env.ts';
import { createPhysics, STEP_MS } from '../world/physics.ts';
import { Rng } from '../world/rng.ts';
import type { SimDefinition } from '../world/sim.ts';

export interface WorldBenchRow {
  sim: string;
  bodies: number;
  envStepsPerSecond: number;
  bareStepsPerSecond: number;
  /** env / bare: the share of bare matter-js speed the env keeps. */
  ratio: number;
}

function timeLoop(seconds: number, body: () => number): number {
  let steps = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) steps += body();
  return steps / ((performance.now() - start) / 1000);
}

/** Random-action env steps per second, resetting at episode end. */
function envSpeed(sim: SimDefinition, seconds: number): number {
  const env = new Env(sim);
  const rng = new Rng(1);
  env.reset({ seed: 1 });
  return timeLoop(seconds, () => {
    for (let i = 0; i < 100; i++) {
      const actions = Array.from({ length: sim.agentCount }, () => env.actionSpace.sample(rng));
      const r = env.step(actions);
      if (r.terminated || r.truncated) env.reset();
    }
    return 100;
  });
}

/** Bare matter-js Engine.update with random forces on the same bodies, restarting from the same scene. */
function bareSpeed(sim: SimDefinition, seconds: number): { rate: number; bodies: number } {
  const rng = new Rng(1);
  const scene = sim.build(new Rng(1));
  let world = createPhysics(sim, scene);
  let t = 0;
  const bodies = Matter.Composite.allBodies(world.engine.world).length;
  const rate = timeLoop(seconds, () => {
    for (let i = 0; i < 100; i++) {
      for (const body of world.agents) {
        const scale = (sim.body.maxAccel / (STEP_MS * STEP_MS)) * body.mass;
        Matter.Body.applyForce(body, body.position, { x: rng.uniform(-1, 1) * scale, y: rng.uniform(-1, 1) * scale });
      }
      Matter.Engine.update(world.engine, STEP_MS);
      if (++t % sim.maxSteps === 0) world = createPhysics(sim, scene);
    }
    return 100;
  });
  return { rate, bodies };
}

export function benchWorld(seconds = 1.5): WorldBenchRow[] {
  return Object.values(sims).map((sim) => {
    envSpeed(sim, 0.2);
    const bare = bareSpeed(sim, seconds);
    const env = envSpeed(sim, seconds);
    return { sim: sim.name, bodies: bare.bodies, envStepsPerSecond: env, bareStepsPerSecond: bare.rate, ratio: env / bare.rate };
  });
}
