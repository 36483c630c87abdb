// Percentiles by nearest rank: the median and p95 of known samples, whatever their order.
import { describe, expect, it } from 'vitest';
import { percentiles } from '../../../agent/math/percentiles.ts';

describe('percentiles', () => {
  it('picks the nearest-rank median and 95th percentile of an unsorted sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(percentiles(values)).toEqual({ median: 51, p95: 96 });
    expect(percentiles([3, 1, 2])).toEqual({ median: 2, p95: 3 });
  });

  it('gives zeros for an empty sample', () => {
    expect(percentiles([])).toEqual({ median: 0, p95: 0 });
  });
});
