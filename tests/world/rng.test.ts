// Tests for the seeded random number generator.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../world/rng.ts';

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws uniforms in range with a mean near the middle and normals with unit variance', () => {
    const rng = new Rng(1);
    const u = Array.from({ length: 20000 }, () => rng.uniform(-2, 4));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(u.reduce((a, b) => a + b) / u.length).toBeCloseTo(1, 1);
    const n = Array.from({ length: 20000 }, () => rng.normal());
    const mean = n.reduce((a, b) => a + b) / n.length;
    const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('refuses a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/finite/);
  });

  it('continues exactly from a saved state, through JSON, with a spare normal pending', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 5; i++) rng.next();
    rng.normal();
    const copy = Rng.fromState(JSON.parse(JSON.stringify(rng.state())) as ReturnType<Rng['state']>);
    const draws = (r: Rng): number[] => [r.normal(), r.next(), r.nextUint32(), r.normal(), r.normal()];
    expect(draws(copy)).toEqual(draws(rng));
  });

  it('refuses a state that is not four 32-bit words', () => {
    expect(() => Rng.fromState({ words: [1, 2, 3] as unknown as [number, number, number, number], spareNormal: null })).toThrow(/four unsigned 32-bit words/);
    expect(() => Rng.fromState({ words: [1, 2, 3, -1], spareNormal: null })).toThrow(/four unsigned 32-bit words/);
  });
});
