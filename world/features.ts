// Named feature slices of a flat observation vector, so later modules read `agent.x` or `ray.3` by name; the scale positions are observed in.

/** Pixels per observation unit of a position (agent.x, goal.dx, a sim's block.dx, …): half the arena's longer side. */
export function positionScale(arena: { width: number; height: number }): number {
  return Math.max(arena.width, arena.height) / 2;
}

export interface FeatureSlice {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** An ordered list of named slices over a Float32Array. */
export class FeatureLayout {
  readonly slices: readonly FeatureSlice[];
  readonly size: number;
  private readonly byName: Map<string, FeatureSlice>;

  constructor(entries: readonly { name: string; size: number }[]) {
    let offset = 0;
    const slices: FeatureSlice[] = [];
    this.byName = new Map();
    for (const { name, size } of entries) {
      if (this.byName.has(name)) throw new Error(`duplicate feature name '${name}'`);
      const slice = { name, offset, size };
      slices.push(slice);
      this.byName.set(name, slice);
      offset += size;
    }
    this.slices = slices;
    this.size = offset;
  }

  get names(): string[] {
    return this.slices.map((s) => s.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The slice called name; throws with the list of known names otherwise. */
  slice(name: string): FeatureSlice {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown feature '${name}'; known features: ${this.names.join(', ')}`);
    return s;
  }

  /** The values of one named slice of a vector laid out by this layout. */
  read(values: Float32Array, name: string): Float32Array {
    const s = this.slice(name);
    return values.subarray(s.offset, s.offset + s.size);
  }
}
