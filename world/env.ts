// The environment: Gymnasium-style reset/step over a sim, with named observation features and no external reward.
import { FeatureLayout, positionScale } from './features.ts';
import { bodyState, createPhysics, setBodyState, stepPhysics, topSpeed, type PhysicsWorld } from './physics.ts';
import { Rng } from './rng.ts';
import { castRays, obstaclesOf, occupancyGrid, type Obstacle } from './sensors.ts';
import type { SimDefinition, Vec, WorldState } from './sim.ts';
import { BoxSpace } from './spaces.ts';

/** One observation per agent: a flat vector laid out by `env.observationLayout`. */
export type Observation = Float32Array;

export interface StepInfo {
  /** Ground truth for evaluation, recording and scripted controllers; never an input to the agent. */
  state: WorldState;
  success: boolean;
}

export interface ResetResult {
  observations: Observation[];
  info: StepInfo;
}

export interface StepResult extends ResetResult {
  /** The episode ended inside the task (the success test passed). */
  terminated: boolean;
  /** The episode hit the sim's step limit. */
  truncated: boolean;
}

/** The features every observation starts with, in this order; rays, sim features and the grid follow. */
export const CORE_FEATURES = ['agent.x', 'agent.y', 'agent.vx', 'agent.vy', 'agent.angle', 'goal.dx', 'goal.dy'] as const;

/** Action dimensions: force along x and y, each in [-1, 1] of the body's maximum. */
export const ACTION_SIZE = 2;

export class Env {
  readonly observationLayout: FeatureLayout;
  readonly observationSpace: BoxSpace;
  /** Per-agent action space; out-of-range values are clamped, non-finite values are refused. */
  readonly actionSpace = new BoxSpace(ACTION_SIZE, -1, 1);
  private rng: Rng;
  private physics: PhysicsWorld | null = null;
  private staticObstacles: Obstacle[] = [];
  private current: WorldState | null = null;
  /** Pixels per observation unit of a position: `positionScale(sim.arena)`. */
  readonly positionScale: number;
  private readonly speedScale: number;

  constructor(
    readonly sim: SimDefinition,
    options: { seed?: number } = {},
  ) {
    this.rng = new Rng(options.seed ?? 0);
    const { rays, grid } = sim.sensors;
    this.observationLayout = new FeatureLayout([
      ...CORE_FEATURES.map((name) => ({ name, size: 1 })),
      ...Array.from({ length: rays }, (_, k) => ({ name: `ray.${k}`, size: 1 })),
      ...(sim.features ?? []).map((f) => ({ name: f.name, size: 1 })),
      { name: 'grid', size: grid.size * grid.size },
    ]);
    const low = new Float32Array(this.observationLayout.size).fill(-Infinity);
    const high = new Float32Array(this.observationLayout.size).fill(Infinity);
    const bound = (name: string, lo: number, hi: number): void => {
      const s = this.observationLayout.slice(name);
      low.fill(lo, s.offset, s.offset + s.size);
      high.fill(hi, s.offset, s.offset + s.size);
    };
    for (let k = 0; k < rays; k++) bound(`ray.${k}`, 0, 1);
    bound('grid', 0, 1);
    this.observationSpace = new BoxSpace(this.observationLayout.size, low, high);
    this.positionScale = positionScale(sim.arena);
    this.speedScale = topSpeed(sim);
  }

  get agentCount(): number {
    return this.sim.agentCount;
  }

  /** The latest ground-truth state; throws before the first reset. */
  get state(): WorldState {
    if (!this.current) throw new Error('Env.state read before reset(): call env.reset({ seed }) first');
    return this.current;
  }

  /** Starts a new episode; with a seed, the episode is fully determined by it. */
  reset(options: { seed?: number } = {}): ResetResult {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    const scene = this.sim.build(this.rng);
    if (scene.agents.length !== this.sim.agentCount) {
      throw new Error(`sim '${this.sim.name}' built ${scene.agents.length} agents but declares agentCount ${this.sim.agentCount}`);
    }
    this.physics = createPhysics(this.sim, scene);
    this.staticObstacles = obstaclesOf(this.physics.walls);
    this.current = {
      step: 0,
      scene,
      agents: this.physics.agents.map(bodyState),
      blocks: this.physics.blocks.map(bodyState),
      goals: scene.goals.map((g) => ({ ...g })),
      food: scene.food.map((f) => ({ ...f })),
      counters: {},
    };
    const success = this.sim.success(this.current);
    return { observations: this.observe(), info: { state: this.current, success } };
  }

  /**
   * Advances the world by one fixed step.
   * @param actions one [2] action per agent; values outside [-1, 1] are clamped, NaN or ±Infinity throws
   */
  step(actions: readonly ArrayLike<number>[]): StepResult {
    if (!this.physics || !this.current) throw new Error('Env.step called before reset(): call env.reset({ seed }) first');
    const clean = this.validateActions(actions);
    stepPhysics(this.physics, this.sim, clean);
    const previous = this.current;
    this.current = {
      step: previous.step + 1,
      scene: previous.scene,
      agents: this.physics.agents.map(bodyState),
      blocks: this.physics.blocks.map(bodyState),
      goals: previous.goals,
      food: previous.food,
      counters: previous.counters,
    };
    this.sim.afterStep?.(this.current, this.rng);
    const success = this.sim.success(this.current);
    return {
      observations: this.observe(),
      terminated: success,
      truncated: !success && this.current.step >= this.sim.maxSteps,
      info: { state: this.current, success },
    };
  }

  private validateActions(actions: readonly ArrayLike<number>[]): Float32Array[] {
    if (actions.length !== this.sim.agentCount) {
      throw new RangeError(`sim '${this.sim.name}' has ${this.sim.agentCount} agent(s) but step() got ${actions.length} action(s)`);
    }
    return actions.map((a, i) => {
      if (a.length !== ACTION_SIZE) throw new RangeError(`action for agent ${i} has length ${a.length}; expected ${ACTION_SIZE} (force x, force y)`);
      const out = new Float32Array(ACTION_SIZE);
      for (let j = 0; j < ACTION_SIZE; j++) {
        const v = a[j]!;
        if (!Number.isFinite(v)) {
          throw new RangeError(`action for agent ${i} has a non-finite value ${v} at index ${j}; actions must be finite numbers in [-1, 1]`);
        }
        out[j] = Math.min(1, Math.max(-1, v));
      }
      return out;
    });
  }

  /**
   * Puts the world in a state of the current episode (same scene): bodies, goals, food and counters. For planners that
   * simulate ahead on a copy of the world (the oracle). @returns the observations in that state
   */
  restore(state: WorldState): Observation[] {
    if (!this.physics || !this.current) throw new Error('Env.restore called before reset(): reset with the episode seed first');
    if (state.agents.length !== this.physics.agents.length || state.blocks.length !== this.physics.blocks.length) {
      throw new Error(`Env.restore got a state with ${state.agents.length} agents and ${state.blocks.length} blocks; this world has ${this.physics.agents.length} and ${this.physics.blocks.length}`);
    }
    state.agents.forEach((b, i) => setBodyState(this.physics!.agents[i]!, b));
    state.blocks.forEach((b, i) => setBodyState(this.physics!.blocks[i]!, b));
    this.current = {
      step: state.step,
      scene: this.current.scene,
      agents: state.agents.map((a) => ({ ...a })),
      blocks: state.blocks.map((b) => ({ ...b })),
      goals: state.goals.map((g) => ({ ...g })),
      food: state.food.map((f) => ({ ...f })),
      counters: { ...state.counters },
    };
    return this.observe();
  }

  /** The goal-relative sensor's target for an agent. */
  goalOf(agent: number): Vec {
    const state = this.state;
    if (this.sim.goalOf) return this.sim.goalOf(state, agent);
    const goal = state.goals[agent] ?? state.goals[0];
    if (!goal) throw new Error(`sim '${this.sim.name}' has no goal for agent ${agent}: declare goals or goalOf()`);
    return goal;
  }

  /**
   * Moves an agent's goal for the rest of the episode (the viewer's click-to-move); the goal sensor and the
   * success test follow from the next step. A goal shared by all agents moves for all of them.
   */
  setGoal(agent: number, goal: Vec): void {
    const state = this.state;
    if (this.sim.goalOf) {
      throw new Error(`sim '${this.sim.name}' derives each agent's goal from the scene (goalOf), so it cannot be moved; setGoal works for sims with explicit goals`);
    }
    if (!Number.isInteger(agent) || agent < 0 || agent >= this.sim.agentCount) {
      throw new RangeError(`setGoal got agent ${agent}; sim '${this.sim.name}' has agents 0 … ${this.sim.agentCount - 1}`);
    }
    if (!Number.isFinite(goal.x) || !Number.isFinite(goal.y)) throw new RangeError(`setGoal got goal (${goal.x}, ${goal.y}); x and y must be finite pixels`);
    const index = agent < state.goals.length ? agent : 0;
    if (!state.goals[index]) throw new Error(`sim '${this.sim.name}' has no goals to move`);
    state.goals[index] = { x: goal.x, y: goal.y };
  }

  private observe(): Observation[] {
    const physics = this.physics!;
    const state = this.current!;
    const { sensors, arena } = this.sim;
    const obstacles = obstaclesOf([...physics.agents, ...physics.blocks], [...this.staticObstacles]);
    const layout = this.observationLayout;
    const rayOffset = CORE_FEATURES.length;
    const featureOffset = rayOffset + sensors.rays;
    const gridOffset = layout.slice('grid').offset;
    const features = this.sim.features ?? [];
    const cx = arena.width / 2;
    const cy = arena.height / 2;
    return state.agents.map((a, i) => {
      const obs = new Float32Array(layout.size);
      const goal = this.goalOf(i);
      obs[0] = (a.x - cx) / this.positionScale;
      obs[1] = (a.y - cy) / this.positionScale;
      obs[2] = a.vx / this.speedScale;
      obs[3] = a.vy / this.speedScale;
      obs[4] = a.angle;
      obs[5] = (goal.x - a.x) / this.positionScale;
      obs[6] = (goal.y - a.y) / this.positionScale;
      const self = physics.agents[i]!.id;
      castRays(obstacles, self, a.x, a.y, sensors.rays, sensors.rayLength, obs, rayOffset);
      features.forEach((f, k) => {
        obs[featureOffset + k] = f.read(state, i, this.sim);
      });
      occupancyGrid(obstacles, self, a.x, a.y, sensors.grid.size, sensors.grid.cell, arena, obs, gridOffset);
      return obs;
    });
  }
}
