// Observation and action spaces: bounded boxes of float32 values with sample and contains.
import type { Rng } from './rng.ts';

/** A box [low, high]^size of float32 values, like Gymnasium's Box. */
export class BoxSpace {
  readonly low: Float32Array;
  readonly high: Float32Array;

  constructor(
    readonly size: number,
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
  ) {
    this.low = typeof low === 'number' ? new Float32Array(size).fill(low) : Float32Array.from(low);
    this.high = typeof high === 'number' ? new Float32Array(size).fill(high) : Float32Array.from(high);
    if (this.low.length !== size || this.high.length !== size) {
      throw new RangeError(`BoxSpace bounds must have length ${size}`);
    }
  }

  /** A uniform sample; unbounded dimensions sample a standard normal. */
  sample(rng: Rng): Float32Array {
    const x = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      x[i] = Number.isFinite(lo) && Number.isFinite(hi) ? rng.uniform(lo, hi) : rng.normal();
    }
    return x;
  }

  /** True when x has the right length and every value is a number within bounds. */
  contains(x: ArrayLike<number>): boolean {
    if (x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = x[i]!;
      if (Number.isNaN(v) || v < this.low[i]! || v > this.high[i]!) return false;
    }
    return true;
  }
}
