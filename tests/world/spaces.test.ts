// Tests for box spaces and named feature layouts.
import { describe, expect, it } from 'vitest';
import { FeatureLayout } from '../../world/features.ts';
import { Rng } from '../../world/rng.ts';
import { BoxSpace } from '../../world/spaces.ts';

describe('BoxSpace', () => {
  it('samples inside itself and rejects NaN, wrong length and out-of-bounds values', () => {
    const space = new BoxSpace(2, -1, 1);
    const rng = new Rng(3);
    for (let i = 0; i < 100; i++) expect(space.contains(space.sample(rng))).toBe(true);
    expect(space.contains([0, Number.NaN])).toBe(false);
    expect(space.contains([0])).toBe(false);
    expect(space.contains([0, 1.5])).toBe(false);
  });
});

describe('FeatureLayout', () => {
  it('reads named slices and names the known features when asked for an unknown one', () => {
    const layout = new FeatureLayout([
      { name: 'a', size: 1 },
      { name: 'grid', size: 4 },
    ]);
    const values = Float32Array.of(9, 1, 2, 3, 4);
    expect(Array.from(layout.read(values, 'grid'))).toEqual([1, 2, 3, 4]);
    expect(() => layout.slice('b')).toThrow(/unknown feature 'b'; known features: a, grid/);
    expect(() => new FeatureLayout([{ name: 'a', size: 1 }, { name: 'a', size: 1 }])).toThrow(/duplicate/);
  });
});
