// Builds and steps the matter-js engine for a scene: arena walls, agents, blocks, with a fixed time step.
import Matter from 'matter-js';
import type { BlockSpec, BodyState, SceneSpec, SimDefinition } from './sim.ts';

const { Engine, Bodies, Body, Composite, Common } = Matter;

/** Milliseconds of simulated time per world step (matter-js's base delta, so air friction is per step). */
export const STEP_MS = 1000 / 60;
const WALL_THICKNESS = 50;

/** matter-js keeps global id and seed counters: reset them so every world starts from the same state. */
export function resetMatterGlobals(): void {
  const common = Common as unknown as { _nextId: number; _seed: number };
  common._nextId = 0;
  common._seed = 0;
}

export interface PhysicsWorld {
  engine: Matter.Engine;
  agents: Matter.Body[];
  blocks: Matter.Body[];
  /** Static walls including the arena's boundary. */
  walls: Matter.Body[];
}

/** The top speed (pixels per step) an agent reaches at full actuation. */
export function topSpeed(sim: SimDefinition): number {
  const { maxAccel, frictionAir } = sim.body;
  return (maxAccel * (1 - frictionAir)) / frictionAir;
}

/** Arena boundary walls just outside [0, width] × [0, height]. */
export function boundaryWalls(width: number, height: number): SceneSpec['walls'] {
  const t = WALL_THICKNESS;
  return [
    { x: width / 2, y: -t / 2, width: width + 2 * t, height: t },
    { x: width / 2, y: height + t / 2, width: width + 2 * t, height: t },
    { x: -t / 2, y: height / 2, width: t, height: height + 2 * t },
    { x: width + t / 2, y: height / 2, width: t, height: height + 2 * t },
  ];
}

function createBlock(spec: BlockSpec, index: number): Matter.Body {
  const options = { frictionAir: 0.2, friction: 0.05, restitution: 0, density: 0.002 };
  let body: Matter.Body;
  if (spec.shape === 'box') {
    body = Bodies.rectangle(0, 0, spec.size, spec.size, options);
  } else {
    const thick = spec.size / 4;
    const bar = Bodies.rectangle(0, -spec.size / 2 + thick / 2, spec.size, thick);
    const stem = Bodies.rectangle(0, thick / 2, thick, spec.size - thick);
    // A compound body takes its mass and inertia from its parts (default density 0.001), not from `options`.
    body = Body.create({ ...options, parts: [bar, stem] });
  }
  body.label = `block:${index}`;
  Body.setPosition(body, { x: spec.x, y: spec.y });
  Body.setAngle(body, spec.angle);
  return body;
}

/** Creates the engine and bodies of a scene; matter globals are reset first for determinism. */
export function createPhysics(sim: SimDefinition, scene: SceneSpec): PhysicsWorld {
  resetMatterGlobals();
  const engine = Engine.create({ gravity: { x: 0, y: 0, scale: 0 }, enableSleeping: false });
  const { width, height } = sim.arena;
  const walls = [...boundaryWalls(width, height), ...scene.walls].map((w, i) =>
    Bodies.rectangle(w.x, w.y, w.width, w.height, { isStatic: true, label: `wall:${i}`, friction: 0 }),
  );
  const agents = scene.agents.map((p, i) =>
    Bodies.circle(p.x, p.y, sim.body.radius, {
      label: `agent:${i}`,
      frictionAir: sim.body.frictionAir,
      friction: 0,
      frictionStatic: 0,
      restitution: 0,
      inertia: Infinity,
      density: 0.001,
    }),
  );
  const blocks = scene.blocks.map(createBlock);
  Composite.add(engine.world, [...walls, ...agents, ...blocks]);
  return { engine, agents, blocks, walls };
}

/**
 * Applies one bounded force per agent and advances the engine by one fixed step.
 * @param actions [N][2], already validated and clamped to [-1, 1]
 */
export function stepPhysics(world: PhysicsWorld, sim: SimDefinition, actions: readonly Float32Array[]): void {
  const scale = sim.body.maxAccel / (STEP_MS * STEP_MS);
  world.agents.forEach((body, i) => {
    const a = actions[i]!;
    Body.applyForce(body, body.position, { x: a[0]! * scale * body.mass, y: a[1]! * scale * body.mass });
  });
  Engine.update(world.engine, STEP_MS);
}

export function bodyState(body: Matter.Body): BodyState {
  return {
    x: body.position.x,
    y: body.position.y,
    angle: body.angle,
    vx: body.velocity.x,
    vy: body.velocity.y,
    angularVelocity: body.angularVelocity,
  };
}

/** Puts a body exactly in a recorded state (position, angle and their rates). */
export function setBodyState(body: Matter.Body, state: BodyState): void {
  Body.setPosition(body, { x: state.x, y: state.y });
  Body.setAngle(body, state.angle);
  Body.setVelocity(body, { x: state.vx, y: state.vy });
  Body.setAngularVelocity(body, state.angularVelocity);
}
