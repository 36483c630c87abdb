// Mode-2 through a world model with known dynamics: every registered planner plans toward the goal, warm starts, the automatic mode, level-2 subgoals.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../../agent/actor/actor.ts';
import { HierarchicalPlanner } from '../../../agent/actor/hierarchical-planner.ts';
import { createPlanner } from '../../../agent/actor/planner-factory.ts';
import { PLANNER_NAMES, type PlannerName } from '../../../agent/actor/planners/registry.ts';
import { PlanningSchema } from '../../../agent/actor/planning.ts';
import { Policy } from '../../../agent/actor/policy.ts';
import { RecedingHorizonPlanner } from '../../../agent/actor/receding-horizon.ts';
import { energy, goalDistance } from '../../../agent/cost/builtins.ts';
import { CostModule } from '../../../agent/cost/cost-module.ts';
import type { AgentSettings } from '../../../agent/ports.ts';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { Rng } from '../../../world/rng.ts';
import { stubWorldModel } from './stub-world-model.ts';

const GOAL = [0.8, -0.5] as const;
const START = Float32Array.from([0, 0, ...GOAL]);

beforeAll(async () => {
  await initBackend('wasm');
});

const settings = (over: Partial<AgentSettings> = {}): AgentSettings => ({
  weights: { 'goal-distance': 1, energy: 0.01 },
  criticWeight: 0,
  horizon: 8,
  mode: 'mode2',
  goal: null,
  ...over,
});

/** A policy whose actions are all 0 (its output layer zeroed): it stays where it is. */
function stillPolicy(): Policy {
  const policy = new Policy(4, [8], 2, new Rng(1));
  const last = policy.net.layers.at(-1)!;
  last.W.assign(tf.zerosLike(last.W));
  last.b.assign(tf.zerosLike(last.b));
  return policy;
}

function parts() {
  const model = stubWorldModel();
  return { model, cost: new CostModule([goalDistance, energy], model.probeLayout), critic: null, policy: stillPolicy() };
}

const planning = (planner: PlannerName) => PlanningSchema.parse({ planner, horizon: 8, iterations: 20, warmIterations: 3, timeBudgetMs: 1e9 });
const towardGoal = (a: Float32Array): number => (a[0]! * GOAL[0] + a[1]! * GOAL[1]) / Math.hypot(...GOAL);

/** Steps the stub's true dynamics (the model is exact) for `ticks` decisions of the actor. */
function drive(actor: Actor, ticks: number, mode: AgentSettings['mode']): { modes: string[]; final: Float32Array } {
  const s = START.slice();
  const modes: string[] = [];
  for (let t = 0; t < ticks; t++) {
    const { action, mode: used } = actor.act(s.slice(), settings({ mode }));
    modes.push(used);
    for (let j = 0; j < 2; j++) {
      s[j] = s[j]! + 0.1 * action[j]!;
      s[j + 2] = s[j + 2]! - 0.1 * action[j]!;
    }
  }
  return { modes, final: s };
}

describe.each(PLANNER_NAMES)('planner %s through a world model', (name) => {
  it('acts toward the goal, within bounds, and reaches it in closed loop', () => {
    const p = parts();
    const planner = createPlanner(p, planning(name), 7);
    const first = planner.plan(START, settings()).action;
    expect(towardGoal(first)).toBeGreaterThan(name === 'random' ? 0.3 : 0.9);
    const { final } = drive(new Actor(p.policy, planner), 40, 'mode2');
    expect(Math.hypot(final[2]!, final[3]!)).toBeLessThan(name === 'random' ? 0.25 : 0.1);
    expect(planner.totals!.decisions).toBe(41);
  });

  it('is deterministic: same seed, same actions', () => {
    const run = () => {
      const p = parts();
      const planner = createPlanner(p, planning(name), 3);
      return [0, 1, 2].flatMap(() => Array.from(planner.plan(START, settings()).action));
    };
    expect(run()).toEqual(run());
  });
});

describe('RecedingHorizonPlanner', () => {
  it('warm-starts from its shifted plan: a cold decision runs `iterations`, the next ones `warmIterations`', () => {
    const planner = createPlanner(parts(), planning('gd'), 1) as RecedingHorizonPlanner;
    planner.plan(START, settings());
    expect(planner.lastStats.iterations).toBe(20);
    planner.plan(START, settings());
    expect(planner.lastStats.iterations).toBe(3);
    planner.reset();
    planner.plan(START, settings());
    expect(planner.lastStats.iterations).toBe(20);
    expect(planner.totals.modelEvals).toBeGreaterThanOrEqual((20 + 3 + 20) * 16 * 8);
  });

  it('leaks no tensors over many decisions', () => {
    const planner = createPlanner(parts(), planning('gd'), 1);
    planner.plan(START, settings());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) planner.plan(START, settings());
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the automatic mode', () => {
  it('plans while the policy would stand still far from the goal, and leaves it to Mode-1 once there', () => {
    const p = parts();
    const actor = new Actor(p.policy, createPlanner(p, planning('gd'), 2));
    const { modes, final } = drive(actor, 40, 'auto');
    expect(modes[0]).toBe('mode2');
    expect(modes.slice(30).every((m) => m === 'mode1')).toBe(true);
    expect(modes.filter((m) => m === 'mode2').length).toBeGreaterThan(5);
    expect(Math.hypot(final[2]!, final[3]!)).toBeLessThan(0.1);
  });

  it('runs Mode-1 in mode1 and Mode-2 in mode2 whatever the planner prefers', () => {
    const p = parts();
    const actor = new Actor(p.policy, createPlanner(p, planning('gd'), 2));
    expect(drive(actor, 5, 'mode1').modes.every((m) => m === 'mode1')).toBe(true);
    expect(drive(actor, 5, 'mode2').modes.every((m) => m === 'mode2')).toBe(true);
  });
});

describe('hierarchical planning (gd-hier)', () => {
  it('a level-2 subgoal moves the level-1 plan toward it', () => {
    const p = parts();
    const low = createPlanner(p, planning('gd'), 4) as RecedingHorizonPlanner;
    const onlyEnergy = settings({ weights: { 'goal-distance': 0, energy: 0.01 } });
    const idle = low.plan(START, onlyEnergy).action;
    expect(Math.hypot(idle[0]!, idle[1]!)).toBeLessThan(0.05);
    low.reset();
    const subgoal = Float32Array.from([0, 0.5, GOAL[0], GOAL[1] - 0.5]);
    const reaching = low.plan(START, onlyEnergy, subgoal).action;
    expect(reaching[1]!).toBeGreaterThan(0.5);
  });

  it('plans its subgoal along the coarse path to the goal, one level-2 step ahead', () => {
    const p = parts();
    const planner = createPlanner(p, planning('gd-hier'), 4);
    expect(planner).toBeInstanceOf(HierarchicalPlanner);
    const action = planner.plan(START, settings()).action;
    const subgoal = (planner as HierarchicalPlanner).currentSubgoal!;
    // One coarse step covers 2 ticks of at most 0.1 per axis: the subgoal is at most 0.2 away per axis, toward the goal.
    expect(subgoal[0]!).toBeGreaterThan(0.1);
    expect(subgoal[1]!).toBeLessThan(-0.05);
    expect(Math.abs(subgoal[0]!)).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(towardGoal(action)).toBeGreaterThan(0.9);
  });
});
