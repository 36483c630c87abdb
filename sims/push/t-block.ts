// Geometry of the T block in its own frame (origin at its centre of mass): parts, inertia, the places a round pusher can push from, and the frame's transforms.
import type { Pose, Vec } from '../../world/sim.ts';

/** An axis-aligned rectangle in the block's frame, by centre and half-extents. */
export interface TPart {
  x: number;
  y: number;
  hw: number;
  hh: number;
}

/** A place to push from, in the block's frame: pusher centre, contact point and unit force direction (frictionless, so along the normal). */
export interface Contact {
  pusher: Vec;
  point: Vec;
  force: Vec;
}

export interface TBlockGeometry {
  parts: readonly TPart[];
  /** Squared radius of gyration as matter-js computes it for the T (sum of the parts' own inertias, times 4). */
  gyration2: number;
  /** Pusher distance from the block's centre that clears the block at any angle. */
  safeRadius: number;
  contacts: readonly Contact[];
}

/** Turning moment of a unit push at the contact about the block's centre (pixels): point × force. */
export function torqueArm(c: Contact): number {
  return c.point.x * c.force.y - c.point.y * c.force.x;
}

export function rotate(v: Vec, angle: number): Vec {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { x: v.x * c - v.y * s, y: v.x * s + v.y * c };
}

/** A world point in the frame of a block at `pose`. */
export function toLocal(p: Vec, pose: Pose): Vec {
  return rotate({ x: p.x - pose.x, y: p.y - pose.y }, -pose.angle);
}

/** A point of the frame of a block at `pose` in the world. */
export function toWorld(p: Vec, pose: Pose): Vec {
  const r = rotate(p, pose.angle);
  return { x: pose.x + r.x, y: pose.y + r.y };
}

/** Distance from a point in the block's frame to the T's parts (0 inside). */
export function partsDistance(parts: readonly TPart[], p: Vec): number {
  return Math.min(...parts.map((r) => Math.hypot(Math.max(Math.abs(p.x - r.x) - r.hw, 0), Math.max(Math.abs(p.y - r.y) - r.hh, 0))));
}

/**
 * The T of bar length `size` (bar and stem a quarter of that thick) as matter-js builds it, and the pusher placements
 * touching its boundary for a pusher of radius `pusherRadius`: along every exposed face and around every convex corner.
 */
export function tBlockGeometry(size: number, pusherRadius: number): TBlockGeometry {
  const parts: TPart[] = [
    { x: 0, y: (-3 * size) / 14, hw: size / 2, hh: size / 8 },
    { x: 0, y: (2 * size) / 7, hw: size / 8, hh: (3 * size) / 8 },
  ];
  const contacts: Contact[] = [];
  const add = (point: Vec, normal: Vec): void => {
    const pusher = { x: point.x + normal.x * pusherRadius, y: point.y + normal.y * pusherRadius };
    if (partsDistance(parts, pusher) > pusherRadius - 0.5) contacts.push({ pusher, point, force: { x: -normal.x, y: -normal.y } });
  };
  for (const r of parts) {
    for (const [sx, sy] of [[1, 0], [0, 1], [-1, 0], [0, -1]] as const) {
      const half = sx !== 0 ? r.hh : r.hw;
      const n = Math.max(2, Math.round((2 * half) / 5));
      for (let k = 1; k < n; k++) {
        const t = -half + (2 * half * k) / n;
        add({ x: r.x + sx * r.hw + (sx === 0 ? t : 0), y: r.y + sy * r.hh + (sy === 0 ? t : 0) }, { x: sx, y: sy });
      }
    }
    for (const [sx, sy] of [[1, 1], [-1, 1], [-1, -1], [1, -1]] as const) {
      for (let k = 0; k <= 4; k++) {
        const a = (k / 4) * (Math.PI / 2);
        add({ x: r.x + sx * r.hw, y: r.y + sy * r.hh }, { x: sx * Math.cos(a), y: sy * Math.sin(a) });
      }
    }
  }
  return {
    parts,
    gyration2: (7 / 24) * size * size,
    safeRadius: Math.max(...parts.map((p) => Math.hypot(Math.abs(p.x) + p.hw, Math.abs(p.y) + p.hh))) + pusherRadius + 6,
    contacts,
  };
}
