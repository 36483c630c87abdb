// The contract a scenario implements: its layout, sensors, success test, suggested costs and scripted baseline.
import type { Rng } from './rng.ts';

export interface Vec {
  x: number;
  y: number;
}

export interface Pose extends Vec {
  angle: number;
}

/** An axis-aligned static wall, by centre and size, in pixels. */
export interface WallSpec {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A movable block: a box or a T made of two boxes. */
export interface BlockSpec extends Pose {
  shape: 'box' | 't';
  /** Bar length of the T, or the box side, in pixels. */
  size: number;
}

/** Everything that varies per episode, drawn by a sim from the episode's RNG. */
export interface SceneSpec {
  walls: WallSpec[];
  agents: Vec[];
  /** One goal per agent, or one shared by all. */
  goals: Vec[];
  blocks: BlockSpec[];
  /** Target pose per block. */
  targets: Pose[];
  food: Vec[];
  /** Sim-specific numbers (for instance the door's position) that scripted controllers may read. */
  meta: Record<string, number>;
}

export interface BodyState extends Pose {
  vx: number;
  vy: number;
  /** Radians per step. */
  angularVelocity: number;
}

/** Where everything is at a tick, as recordings and viewer frames carry it (positions rounded by the writer). */
export interface WorldSnapshot {
  agents: Pose[];
  blocks: Pose[];
  food: Vec[];
  goals: Vec[];
}

/** Ground truth of the world after a step: for evaluation, recording and scripted controllers only. */
export interface WorldState {
  step: number;
  scene: SceneSpec;
  agents: BodyState[];
  blocks: BodyState[];
  goals: Vec[];
  food: Vec[];
  /** Sim-specific running totals, such as food eaten. */
  counters: Record<string, number>;
}

export interface AgentBodySpec {
  radius: number;
  /** Acceleration at full actuation, in pixels per step squared. */
  maxAccel: number;
  /** Air friction per step; with maxAccel it sets the top speed. */
  frictionAir: number;
}

export interface SensorSpec {
  rays: number;
  /** Rangefinder reach in pixels. */
  rayLength: number;
  /** Egocentric occupancy grid: size × size cells of `cell` pixels centred on the agent. */
  grid: { size: number; cell: number };
}

/** An extra named observation feature a sim declares (e.g. block pose in push). */
export interface SimFeature {
  name: string;
  /** @returns the value for the given agent, already normalised to about [-1, 1] */
  read(state: WorldState, agent: number, sim: SimDefinition): number;
}

export type ScriptedController = (state: WorldState) => Float32Array[];

export interface SuggestedCost {
  /** A registered intrinsic cost's name. */
  name: string;
  weight: number;
}

export interface SimDefinition {
  name: string;
  description: string;
  arena: { width: number; height: number };
  /** Episode length: the episode is truncated after this many steps. */
  maxSteps: number;
  agentCount: number;
  body: AgentBodySpec;
  sensors: SensorSpec;
  /** Success radius or tolerance, documented per sim. */
  build(rng: Rng): SceneSpec;
  /** The point the goal-relative sensor of an agent points at; defaults to the agent's goal. */
  goalOf?(state: WorldState, agent: number): Vec;
  /** Sim rules applied after physics each step (e.g. eating and respawning food). */
  afterStep?(state: WorldState, rng: Rng): void;
  success(state: WorldState): boolean;
  features?: SimFeature[];
  suggestedCosts: SuggestedCost[];
  /**
   * Asks `autonomy train` for the agent's goal critic (a learned time to the goal that knows walls and doors, from
   * reward-free exploration) and Mode-2 to plan with it at this weight, as the cost-to-go of the plan's last state.
   */
  goalCritic?: { weight: number };
  /**
   * Asks `autonomy train` for a world model whose state carries the vector features unchanged (a state slot, read
   * exactly by the probe heads) and is trained to predict them over the rollout at this loss weight: for tasks whose
   * costs need poses to a few pixels (push).
   */
  stateSlot?: { weight: number };
  /** A hand-written controller for this episode's scene: the baseline and the tests' driver. */
  scripted(scene: SceneSpec): ScriptedController;
}

/** Marks what defineSim made; a global symbol, so a plug-in's copy of the API is recognised too. */
const MADE = Symbol.for('autonomy.sim');

/** Type-checks a sim definition and marks it as one (a sim may carry more, such as its own intrinsic costs). */
export function defineSim(sim: SimDefinition): SimDefinition {
  return Object.defineProperty(sim, MADE, { value: true });
}

/** Whether a value was made by defineSim. */
export function isSim(value: unknown): value is SimDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MADE] === true;
}
