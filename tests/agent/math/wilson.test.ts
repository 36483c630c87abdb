// The Wilson interval against published values, and at the edges where the normal interval fails.
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../../agent/math/wilson.ts';

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    // 81 successes of 263 (Wilson 1927 as tabulated by Newcombe 1998): 0.2553 … 0.3662.
    const [low, high] = wilsonInterval(81, 263);
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
  });

  it('stays inside [0, 1] and is not a point at 0 % or 100 %', () => {
    const [low0, high0] = wilsonInterval(0, 20);
    expect(low0).toBe(0);
    expect(high0).toBeCloseTo(0.1611, 3);
    const [low1, high1] = wilsonInterval(100, 100);
    expect(low1).toBeCloseTo(0.963, 3);
    expect(high1).toBe(1);
  });

  it('knows nothing without trials', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});
