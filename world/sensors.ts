// Exteroceptive sensors: rangefinder rays and an egocentric occupancy grid, computed against body geometry.
import type Matter from 'matter-js';

/** A convex obstacle outline in world coordinates, with its bounding box. */
export type Obstacle =
  | { kind: 'circle'; owner: number; x: number; y: number; r: number; minX: number; minY: number; maxX: number; maxY: number }
  | { kind: 'polygon'; owner: number; xs: Float64Array; ys: Float64Array; minX: number; minY: number; maxX: number; maxY: number };

/** Convex outlines of every part of the given bodies; `owner` is the body's id, so an agent can skip itself. */
export function obstaclesOf(bodies: readonly Matter.Body[], out: Obstacle[] = []): Obstacle[] {
  for (const body of bodies) {
    const parts = body.parts.length > 1 ? body.parts.slice(1) : body.parts;
    for (const part of parts) {
      const { min, max } = part.bounds;
      const r = (part as { circleRadius?: number }).circleRadius;
      if (r) {
        out.push({ kind: 'circle', owner: body.id, x: part.position.x, y: part.position.y, r, minX: min.x, minY: min.y, maxX: max.x, maxY: max.y });
      } else {
        const n = part.vertices.length;
        const xs = new Float64Array(n);
        const ys = new Float64Array(n);
        part.vertices.forEach((v, i) => {
          xs[i] = v.x;
          ys[i] = v.y;
        });
        out.push({ kind: 'polygon', owner: body.id, xs, ys, minX: min.x, minY: min.y, maxX: max.x, maxY: max.y });
      }
    }
  }
  return out;
}

/** Distance along the unit ray (dx, dy) from (ox, oy) to the obstacle, or Infinity if it misses. */
function rayHit(o: Obstacle, ox: number, oy: number, dx: number, dy: number): number {
  if (o.kind === 'circle') {
    const fx = ox - o.x;
    const fy = oy - o.y;
    const b = fx * dx + fy * dy;
    const c = fx * fx + fy * fy - o.r * o.r;
    const disc = b * b - c;
    if (disc < 0) return Infinity;
    const sq = Math.sqrt(disc);
    const t0 = -b - sq;
    if (t0 >= 0) return t0;
    return -b + sq >= 0 ? 0 : Infinity;
  }
  let best = Infinity;
  const n = o.xs.length;
  for (let i = 0; i < n; i++) {
    const ax = o.xs[i]!;
    const ay = o.ys[i]!;
    const j = i + 1 === n ? 0 : i + 1;
    const ex = o.xs[j]! - ax;
    const ey = o.ys[j]! - ay;
    const denom = dx * ey - dy * ex;
    if (Math.abs(denom) < 1e-12) continue;
    const wx = ax - ox;
    const wy = ay - oy;
    const t = (wx * ey - wy * ex) / denom;
    const u = (wx * dy - wy * dx) / denom;
    if (t >= 0 && u >= 0 && u <= 1 && t < best) best = t;
  }
  return best;
}

/**
 * Rangefinder: `count` rays evenly spread over a full turn starting at angle 0 (pointing +x).
 * @returns [count] distances divided by `length`, in [0, 1] (1 = nothing within reach)
 */
export function castRays(obstacles: readonly Obstacle[], self: number, ox: number, oy: number, count: number, length: number, out: Float32Array, offset: number): void {
  for (let k = 0; k < count; k++) {
    const angle = (2 * Math.PI * k) / count;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const ex = ox + dx * length;
    const ey = oy + dy * length;
    const bMinX = Math.min(ox, ex);
    const bMaxX = Math.max(ox, ex);
    const bMinY = Math.min(oy, ey);
    const bMaxY = Math.max(oy, ey);
    let best = length;
    for (const o of obstacles) {
      if (o.owner === self || o.maxX < bMinX || o.minX > bMaxX || o.maxY < bMinY || o.minY > bMaxY) continue;
      const t = rayHit(o, ox, oy, dx, dy);
      if (t < best) best = t;
    }
    out[offset + k] = best / length;
  }
}

function insideConvex(xs: Float64Array, ys: Float64Array, px: number, py: number): boolean {
  const n = xs.length;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const cross = (xs[j]! - xs[i]!) * (py - ys[i]!) - (ys[j]! - ys[i]!) * (px - xs[i]!);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/**
 * Egocentric occupancy grid, axis-aligned and centred on (ox, oy); row-major, row 0 at the top (smallest y).
 * A cell is 1 when its centre lies inside an obstacle or outside the arena, else 0.
 */
export function occupancyGrid(
  obstacles: readonly Obstacle[],
  self: number,
  ox: number,
  oy: number,
  size: number,
  cell: number,
  arena: { width: number; height: number },
  out: Float32Array,
  offset: number,
): void {
  const half = (size * cell) / 2;
  const x0 = ox - half + cell / 2;
  const y0 = oy - half + cell / 2;
  for (let r = 0; r < size; r++) {
    const cy = y0 + r * cell;
    for (let c = 0; c < size; c++) {
      const cx = x0 + c * cell;
      out[offset + r * size + c] = cx < 0 || cy < 0 || cx > arena.width || cy > arena.height ? 1 : 0;
    }
  }
  for (const o of obstacles) {
    if (o.owner === self) continue;
    const c0 = Math.max(0, Math.ceil((o.minX - x0) / cell));
    const c1 = Math.min(size - 1, Math.floor((o.maxX - x0) / cell));
    const r0 = Math.max(0, Math.ceil((o.minY - y0) / cell));
    const r1 = Math.min(size - 1, Math.floor((o.maxY - y0) / cell));
    for (let r = r0; r <= r1; r++) {
      const cy = y0 + r * cell;
      for (let c = c0; c <= c1; c++) {
        const cx = x0 + c * cell;
        const inside =
          o.kind === 'circle' ? (cx - o.x) ** 2 + (cy - o.y) ** 2 <= o.r * o.r : insideConvex(o.xs, o.ys, cx, cy);
        if (inside) out[offset + r * size + c] = 1;
      }
    }
  }
}
