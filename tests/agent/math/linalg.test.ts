// Linear algebra used by the evaluation: eigenvalues, effective rank, ridge probes and R².
import { describe, expect, it } from 'vitest';
import { applyLinearProbe, effectiveRank, fitLinearProbe, minStd, rSquared, symmetricEigenvalues } from '../../../agent/math/linalg.ts';
import { Rng } from '../../../world/rng.ts';

describe('linalg', () => {
  it('finds the eigenvalues of a symmetric matrix', () => {
    const eig = [...symmetricEigenvalues(Float64Array.of(2, 1, 0, 1, 2, 0, 0, 0, 5), 3)].sort((a, b) => a - b);
    expect(eig[0]).toBeCloseTo(1, 8);
    expect(eig[1]).toBeCloseTo(3, 8);
    expect(eig[2]).toBeCloseTo(5, 8);
  });

  it('gives effective rank d for isotropic data and about 1 for data on a line', () => {
    const rng = new Rng(1);
    const n = 4000;
    const iso = Float64Array.from({ length: n * 4 }, () => rng.normal());
    expect(effectiveRank(iso, n, 4)).toBeGreaterThan(3.9);
    const line = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const t = rng.normal();
      for (let j = 0; j < 4; j++) line[i * 4 + j] = t * (j + 1) + 1e-4 * rng.normal();
    }
    expect(effectiveRank(line, n, 4)).toBeLessThan(1.01);
    expect(minStd(line, n, 4)).toBeCloseTo(1, 1);
  });

  it('recovers a linear map with R² near 1 and scores noise near 0', () => {
    const rng = new Rng(2);
    const n = 500;
    const x = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const y = new Float64Array(n * 2);
    const noise = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i * 2] = 2 * x[i * 3]! - x[i * 3 + 2]! + 0.5;
      y[i * 2 + 1] = x[i * 3 + 1]! * 3;
      noise[i] = rng.normal();
    }
    const probe = fitLinearProbe(x, y, n, 3, 2);
    const r2 = rSquared(applyLinearProbe(probe, x, n), y, n, 2);
    expect(r2[0]).toBeGreaterThan(0.999);
    expect(r2[1]).toBeGreaterThan(0.999);
    const noiseProbe = fitLinearProbe(x, noise, n, 3, 1);
    expect(rSquared(applyLinearProbe(noiseProbe, x, n), noise, n, 1)[0]).toBeLessThan(0.05);
  });
});
