// The planning flags: each is checked by the planning schema and becomes an override of the checkpoint's settings.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCostOptions, addPlanningOptions, checkSeedRange, planningOverrides, type CostFlags, type PlanningFlags } from '../../bin/options.ts';

function parse(...args: string[]): PlanningFlags {
  const command = addPlanningOptions(new Command().exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return command.opts<PlanningFlags>();
}

describe('planning flags', () => {
  it('become overrides under the schema\'s names, and nothing when none is given', () => {
    expect(planningOverrides(parse('--planner', 'cem', '--horizon', '32', '--iterations', '5', '--samples', '64', '--budget-ms', '12.5'))).toEqual({
      planner: 'cem',
      horizon: 32,
      iterations: 5,
      candidates: 64,
      timeBudgetMs: 12.5,
    });
    expect(planningOverrides(parse())).toEqual({});
  });

  it('refuse values outside the schema, naming the flag and the limit', () => {
    expect(() => parse('--horizon', '300')).toThrow(/--horizon: Too big: expected number to be <=256/);
    expect(() => parse('--samples', 'many')).toThrow(/--samples: expected a number, got 'many'/);
    expect(() => parse('--iterations', '0')).toThrow(/--iterations: Too small/);
    expect(() => parse('--budget-ms', '-1')).toThrow(/--budget-ms: Too small/);
    expect(() => parse('--planner', 'annealing')).toThrow(/Allowed choices are gd, gd-hier, cem, mppi, random/);
  });
});

function parseCosts(...args: string[]): CostFlags {
  const command = addCostOptions(new Command().exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return command.opts<CostFlags>();
}

describe('cost flags', () => {
  it('--cost FILE leaves the weight to the checkpoint (else 1), FILE=W weighs W (0 measures only); both flags repeat', () => {
    expect(parseCosts('--cost', './a.ts', '--cost', '../b=c/d.js=0', '--cost', 'e.ts=2.5', '--weight', 'energy=0.5', '--weight', 'goal-distance=0')).toEqual({
      cost: [
        { file: './a.ts' },
        { file: '../b=c/d.js', weight: 0 },
        { file: 'e.ts', weight: 2.5 },
      ],
      weight: [['energy', 0.5], ['goal-distance', 0]],
    });
    expect(parseCosts()).toEqual({ cost: [], weight: [] });
  });

  it('refuse a weight that is not a finite number ≥ 0, and --weight without NAME=', () => {
    expect(() => parseCosts('--cost', 'a.ts=-1')).toThrow(/--cost: the weight of 'a\.ts' must be a finite number ≥ 0, got '-1'/);
    expect(() => parseCosts('--cost', 'a.ts=heavy')).toThrow(/--cost: the weight of 'a\.ts' must be a finite number ≥ 0, got 'heavy'/);
    expect(() => parseCosts('--weight', 'energy')).toThrow(/--weight: expected NAME=WEIGHT \(like goal-distance=2\), got 'energy'/);
    expect(() => parseCosts('--weight', 'energy=Infinity')).toThrow(/--weight: the weight of 'energy' must be a finite number ≥ 0, got 'Infinity'/);
  });
});

describe('seed ranges', () => {
  it('accept episodes whose seeds all fit in 32 bits and refuse the rest (never wrapping), saying what fits', () => {
    expect(() => checkSeedRange(4294967294, 2)).not.toThrow();
    expect(() => checkSeedRange(0, 1e9)).not.toThrow();
    expect(() => checkSeedRange(4294967295, 2)).toThrow('--seed 4294967295 with --episodes 2 would need seeds up to 4294967296, past the largest seed, 4294967295; give --seed 4294967294 or lower, or fewer episodes');
    expect(() => checkSeedRange(4294967000, 1000)).toThrow(/give --seed 4294966296 or lower/);
  });
});
