// The configurator on its own: initial settings from sim and config, tasks checked, applied and frozen, the task goal read.
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../agent/config.ts';
import { Configurator } from '../../../agent/configurator/configurator.ts';
import { FeatureLayout } from '../../../world/features.ts';

/** agent.x at 0, agent.y at 1, a ray at 2, goal.dx at 3, goal.dy at 4. */
const layout = new FeatureLayout(['agent.x', 'agent.y', 'ray.0', 'goal.dx', 'goal.dy'].map((name) => ({ name, size: 1 })));
const costNames = ['goal-distance', 'energy', 'collision-risk', 'keep-left'];
const suggested = [
  { name: 'goal-distance', weight: 1 },
  { name: 'energy', weight: 0.01 },
  { name: 'collision-risk', weight: 0.5 },
  { name: 'not-loaded', weight: 3 },
];

const make = (config: unknown = {}): Configurator => new Configurator(costNames, suggested, parseAgentConfig(config), layout);

describe('Configurator', () => {
  it("starts from the sim's suggested weights, overridden by the config; a cost neither names weighs 0", () => {
    const c = make({ cost: { weights: { energy: 0.2, 'keep-left': 2 }, criticWeight: 0.3 }, planning: { horizon: 24 }, actor: { mode: 'auto' } });
    expect(c.current).toEqual({
      weights: { 'goal-distance': 1, energy: 0.2, 'collision-risk': 0.5, 'keep-left': 2 },
      criticWeight: 0.3,
      horizon: 24,
      mode: 'auto',
      goal: null,
    });
    expect(make().current.weights).toEqual({ 'goal-distance': 1, energy: 0.01, 'collision-risk': 0.5, 'keep-left': 0 });
  });

  it('refuses a weight for a cost that is not loaded, or a weight that is not a finite number ≥ 0, naming it', () => {
    const known = 'loaded costs: goal-distance, energy, collision-risk, keep-left';
    expect(() => make({ cost: { weights: { 'goal-distanse': 1 } } })).toThrow(`unknown intrinsic cost 'goal-distanse' in weights; ${known}`);
    const c = make();
    const before = c.current;
    expect(() => c.configure({ weights: { 'not-loaded': 1 } })).toThrow(`unknown intrinsic cost 'not-loaded' in weights; ${known}`);
    expect(() => c.configure({ weights: { energy: -1 } })).toThrow("weight of intrinsic cost 'energy' must be a finite number ≥ 0, got -1");
    expect(() => c.configure({ weights: { energy: Number.NaN } })).toThrow("weight of intrinsic cost 'energy' must be a finite number ≥ 0, got NaN");
    expect(() => c.configure({ weights: { energy: Number.POSITIVE_INFINITY } })).toThrow(/must be a finite number ≥ 0, got Infinity/);
    expect(c.current).toBe(before);
    expect(c.current.weights.energy).toBe(0.01);
  });

  it('applies a task on top of the settings and freezes what it hands out', () => {
    const c = make();
    const first = c.current;
    const next = c.configure({ weights: { 'keep-left': 1.5 }, mode: 'mode2', horizon: 8, goal: { x: 0.25, y: -0.5 }, criticWeight: 0.1 });
    expect(next).toBe(c.current);
    expect(next).toEqual({
      weights: { 'goal-distance': 1, energy: 0.01, 'collision-risk': 0.5, 'keep-left': 1.5 },
      criticWeight: 0.1,
      horizon: 8,
      mode: 'mode2',
      goal: { x: 0.25, y: -0.5 },
    });
    // What a module already holds does not change under it.
    expect(first.weights['keep-left']).toBe(0);
    expect(first.mode).toBe('mode1');
    for (const s of [first, next]) {
      expect(Object.isFrozen(s)).toBe(true);
      expect(Object.isFrozen(s.weights)).toBe(true);
      expect(() => {
        (s.weights as Record<string, number>).energy = 9;
      }).toThrow(TypeError);
      expect(() => {
        (s as { horizon: number }).horizon = 99;
      }).toThrow(TypeError);
    }
    // A task that says nothing keeps everything; a null goal returns to the world's.
    expect(c.configure({})).toEqual(next);
    expect(c.configure({ goal: null })).toEqual({ ...next, goal: null });
  });

  it.each([-0.5, Number.NaN, Infinity])('refuses critic weight %s and keeps the settings in force', (criticWeight) => {
    const c = make();
    const before = c.current;
    expect(() => c.configure({ criticWeight })).toThrow(`critic weight must be a finite number ≥ 0, got ${criticWeight}`);
    expect(c.current).toBe(before);
  });

  it.each([0, -1, 2.5, Number.NaN, 257])('refuses horizon %s (the planning schema\'s bounds) and keeps the settings in force', (horizon) => {
    const c = make();
    const before = c.current;
    expect(() => c.configure({ horizon, weights: { energy: 1 } })).toThrow(new RegExp(`^task horizon: .*\\(got ${horizon}; Planning horizon H in ticks\\.\\)$`));
    expect(c.current).toBe(before);
  });

  it("perceive replaces the goal vector by the task goal's offset from the agent, leaving the rest and its input alone", () => {
    const c = make();
    const observation = Float32Array.of(0.5, -0.25, 0.75, 0.1, 0.2);
    expect(c.perceive(observation, c.current)).toEqual(observation);
    const settings = c.configure({ goal: { x: -0.5, y: 0.5 } });
    const perceived = c.perceive(observation, settings);
    expect(Array.from(perceived)).toEqual([0.5, -0.25, 0.75, -1, 0.75]);
    expect(Array.from(observation)).toEqual(Array.from(Float32Array.of(0.5, -0.25, 0.75, 0.1, 0.2)));
    expect(c.perceive(observation, c.configure({ goal: null }))).toEqual(observation);
  });
});
