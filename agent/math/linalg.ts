// Small dense linear algebra in plain JS for evaluation: symmetric eigenvalues, ridge regression, R², effective rank.

/** Eigenvalues of a symmetric d×d matrix (row-major) by cyclic Jacobi rotations. */
export function symmetricEigenvalues(matrix: Float64Array, d: number, sweeps = 50): Float64Array {
  const a = Float64Array.from(matrix);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q]! - a[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: d }, (_, i) => a[i * d + i]!);
}

/** Covariance matrix of n rows of d columns. @returns [d, d] row-major */
export function covariance(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const xj = x[i * d + j]! - mean[j]!;
      for (let k = j; k < d; k++) c[j * d + k]! += (xj * (x[i * d + k]! - mean[k]!)) / (n - 1);
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) c[j * d + k] = c[k * d + j]!;
  return c;
}

/**
 * Effective rank (Roy & Vetterli 2007): exp of the entropy of the normalised eigenvalue spectrum of the covariance.
 * 1 when all variance lies along one direction, d when it is spread evenly.
 */
export function effectiveRank(x: ArrayLike<number>, n: number, d: number): number {
  const eig = symmetricEigenvalues(covariance(x, n, d), d).map((v) => Math.max(v, 0));
  const total = eig.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  let entropy = 0;
  for (const v of eig) if (v > 0) entropy -= (v / total) * Math.log(v / total);
  return Math.exp(entropy);
}

/** Smallest per-dimension standard deviation over n rows of d columns. */
export function minStd(x: ArrayLike<number>, n: number, d: number): number {
  const c = covariance(x, n, d);
  let min = Infinity;
  for (let j = 0; j < d; j++) min = Math.min(min, Math.sqrt(Math.max(c[j * d + j]!, 0)));
  return min;
}

/** Solves (A + ridge·I) w = b for a symmetric positive-definite A by Cholesky; A is [d, d], b is [d, m]. */
function solveSpd(a: Float64Array, b: Float64Array, d: number, m: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * d + j]!;
    }
  }
  const w = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < d; i++) {
      let sum = w[i * m + c]!;
      for (let k = 0; k < i; k++) sum -= l[i * d + k]! * w[k * m + c]!;
      w[i * m + c] = sum / l[i * d + i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let sum = w[i * m + c]!;
      for (let k = i + 1; k < d; k++) sum -= l[k * d + i]! * w[k * m + c]!;
      w[i * m + c] = sum / l[i * d + i]!;
    }
  }
  return w;
}

export interface LinearProbe {
  /** [d + 1, m]: weights then bias row. */
  weights: Float64Array;
  d: number;
  m: number;
}

/** Fits y ≈ [x, 1]·W by ridge regression. @param x [n, d] @param y [n, m] */
export function fitLinearProbe(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, m: number, ridge = 1e-3): LinearProbe {
  const D = d + 1;
  const xtx = new Float64Array(D * D);
  const xty = new Float64Array(D * m);
  const row = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j]!;
    row[d] = 1;
    for (let j = 0; j < D; j++) {
      for (let k = j; k < D; k++) xtx[j * D + k]! += row[j]! * row[k]!;
      for (let c = 0; c < m; c++) xty[j * m + c]! += row[j]! * y[i * m + c]!;
    }
  }
  for (let j = 0; j < D; j++) {
    for (let k = 0; k < j; k++) xtx[j * D + k] = xtx[k * D + j]!;
    if (j < d) xtx[j * D + j]! += ridge * n;
  }
  return { weights: solveSpd(xtx, xty, D, m), d, m };
}

/** Applies a linear probe. @param x [n, d] @returns [n, m] */
export function applyLinearProbe(probe: LinearProbe, x: ArrayLike<number>, n: number): Float64Array {
  const { weights, d, m } = probe;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let sum = weights[d * m + c]!;
      for (let j = 0; j < d; j++) sum += x[i * d + j]! * weights[j * m + c]!;
      out[i * m + c] = sum;
    }
  }
  return out;
}

/** Coefficient of determination of each of m columns. */
export function rSquared(predicted: ArrayLike<number>, actual: ArrayLike<number>, n: number, m: number): number[] {
  return Array.from({ length: m }, (_, c) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += actual[i * m + c]! / n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      ssRes += (actual[i * m + c]! - predicted[i * m + c]!) ** 2;
      ssTot += (actual[i * m + c]! - mean) ** 2;
    }
    return ssTot > 0 ? 1 - ssRes / ssTot : 0;
  });
}
