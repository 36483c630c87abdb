// Seeded pseudo-random numbers (sfc32 seeded through splitmix32): the only source of randomness in a run.

/** A generator's position in its stream, as plain data (JSON-safe). */
export interface RngState {
  words: [number, number, number, number];
  spareNormal: number | null;
}

/** A small, fast, seedable generator; same seed ⇒ same sequence on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    let s = Math.trunc(seed) >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** @returns an unsigned 32-bit integer */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** @returns a float in [0, 1) */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** @returns a float in [low, high) */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** @returns an integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** @returns a standard normal sample (Box–Muller) */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Where the stream is: enough to continue it exactly in another process (see Rng.fromState). */
  state(): RngState {
    return { words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spareNormal: this.spareNormal };
  }

  /** A generator that continues exactly where the one that gave `state` was. */
  static fromState(state: RngState): Rng {
    const { words, spareNormal } = state;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new RangeError(`an Rng state needs four unsigned 32-bit words, got ${JSON.stringify(words)}`);
    }
    if (spareNormal !== null && !Number.isFinite(spareNormal)) throw new RangeError(`an Rng state's spare normal must be finite or null, got ${spareNormal}`);
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = words.map((w) => w | 0) as [number, number, number, number];
    rng.spareNormal = spareNormal;
    return rng;
  }

  /** A new generator whose stream is independent of this one's future draws. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}
