// Draws the world with pixi.js: arena, walls, blocks and targets, food, goals, rays, the path taken, overlays and agents.
import { Application, Graphics, Text } from 'pixi.js';
import type { Overlay } from '../../world/overlay.ts';
import type { BlockSpec, Pose, SceneSpec, Vec } from '../../world/sim.ts';
import type { Frame, HelloMessage } from '../protocol.ts';

/** Colours as 0xrrggbb; agent and goal are chosen to be unmistakable in pixel checks. */
export const COLORS = {
  background: 0x0b0e13,
  arena: 0x161c25,
  border: 0x5c6773,
  wall: 0x5c6773,
  block: 0xd9a441,
  food: 0xffd400,
  goal: 0x2bff5a,
  agent: 0xff2bd6,
  ray: 0x4aa3ff,
  trail: 0xf5f5f5,
  overlay: 0x00e5ff,
  label: 0xdfe6ee,
} as const;

/** Space around the arena inside the canvas, in CSS pixels. */
const PADDING = 16;

interface Camera {
  scale: number;
  ox: number;
  oy: number;
}

/** The outline of a block in world pixels; a T's parts are placed around its centre of mass, as matter-js does. */
export function blockPolygon(shape: BlockSpec['shape'], size: number, pose: Pose): number[] {
  const parts =
    shape === 'box'
      ? [{ cx: 0, cy: 0, w: size, h: size }]
      : [
          { cx: 0, cy: (-3 / 14) * size, w: size, h: size / 4 },
          { cx: 0, cy: (2 / 7) * size, w: size / 4, h: (3 / 4) * size },
        ];
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  return parts.flatMap(({ cx, cy, w, h }) =>
    [
      [cx - w / 2, cy - h / 2],
      [cx + w / 2, cy - h / 2],
      [cx + w / 2, cy + h / 2],
      [cx - w / 2, cy + h / 2],
    ].flatMap(([x, y]) => [pose.x + x! * cos - y! * sin, pose.y + x! * sin + y! * cos]),
  );
}

/** Parses '#rrggbb' (overlay colours); anything else falls back. */
function color(text: string | undefined, fallback: number): number {
  return text && /^#[0-9a-f]{6}$/i.test(text) ? parseInt(text.slice(1), 16) : fallback;
}

export class WorldView {
  private readonly app = new Application();
  private readonly g = new Graphics();
  private readonly texts: Text[] = [];
  private camera: Camera = { scale: 1, ox: 0, oy: 0 };
  private hello: HelloMessage | null = null;

  /** Creates the WebGL canvas inside `host`, sized to it; it renders only when a frame is drawn (no ticker). */
  async init(host: HTMLElement): Promise<HTMLCanvasElement> {
    await this.app.init({ resizeTo: host, background: COLORS.background, antialias: true, preference: 'webgl', resolution: 1, autoStart: false });
    this.app.ticker.stop();
    host.appendChild(this.app.canvas);
    this.app.stage.addChild(this.g);
    return this.app.canvas;
  }

  setWorld(hello: HelloMessage): void {
    this.hello = hello;
  }

  /** Fits the arena into the canvas, centred, keeping its aspect ratio. */
  private fit(): void {
    if (!this.hello) return;
    const { width, height } = this.hello.arena;
    const cw = this.app.screen.width;
    const ch = this.app.screen.height;
    const scale = Math.max(0.01, Math.min((cw - 2 * PADDING) / width, (ch - 2 * PADDING) / height));
    this.camera = { scale, ox: (cw - width * scale) / 2, oy: (ch - height * scale) / 2 };
  }

  /** World pixels → canvas CSS pixels. */
  toCanvas(x: number, y: number): Vec {
    const { scale, ox, oy } = this.camera;
    return { x: ox + x * scale, y: oy + y * scale };
  }

  /** Canvas CSS pixels → world pixels. */
  toWorld(x: number, y: number): Vec {
    const { scale, ox, oy } = this.camera;
    return { x: (x - ox) / scale, y: (y - oy) / scale };
  }

  /** Redraws everything for one frame and renders it now. */
  draw(scene: SceneSpec | null, frame: Frame, trail: readonly Vec[][]): void {
    if (!this.hello) return;
    this.fit();
    const g = this.g.clear();
    const s = this.camera.scale;
    const p = (v: Vec): Vec => this.toCanvas(v.x, v.y);
    const poly = (points: readonly number[]): number[] => points.map((v, i) => (i % 2 === 0 ? this.camera.ox + v * s : this.camera.oy + v * s));
    const { width, height } = this.hello.arena;
    const origin = p({ x: 0, y: 0 });
    g.rect(origin.x, origin.y, width * s, height * s).fill(COLORS.arena).stroke({ width: 2, color: COLORS.border });
    for (const w of scene?.walls ?? []) {
      const c = p({ x: w.x - w.width / 2, y: w.y - w.height / 2 });
      g.rect(c.x, c.y, w.width * s, w.height * s).fill(COLORS.wall);
    }
    /** A block's parts (four corners each) as canvas polygons. */
    const parts = (spec: BlockSpec, pose: Pose): number[][] => {
      const outline = poly(blockPolygon(spec.shape, spec.size, pose));
      return Array.from({ length: outline.length / 8 }, (_, k) => outline.slice(8 * k, 8 * k + 8));
    };
    scene?.blocks.forEach((spec, i) => {
      const target = scene.targets[i];
      if (target) for (const part of parts(spec, target)) g.poly(part).stroke({ width: 2, color: COLORS.block, alpha: 0.6 });
      const pose = frame.blocks[i];
      if (pose) for (const part of parts(spec, pose)) g.poly(part).fill(COLORS.block);
    });
    for (const f of frame.food) {
      const c = p(f);
      g.circle(c.x, c.y, Math.max(3, 4 * s)).fill(COLORS.food);
    }
    const agentRadius = Math.max(4, this.hello.agentRadius * s);
    for (const goal of frame.goals) {
      const c = p(goal);
      g.circle(c.x, c.y, agentRadius * 1.4).stroke({ width: 2, color: COLORS.goal, alpha: 0.7 });
      g.circle(c.x, c.y, Math.max(5, agentRadius * 0.6)).fill(COLORS.goal);
    }
    frame.rays?.forEach((rays, a) => {
      const agent = frame.agents[a];
      if (!agent) return;
      const c = p(agent);
      for (let k = 0; k < rays.length; k += 2) {
        const e = p({ x: rays[k]!, y: rays[k + 1]! });
        g.moveTo(c.x, c.y).lineTo(e.x, e.y);
      }
      g.stroke({ width: 1, color: COLORS.ray, alpha: 0.45 });
    });
    for (const path of trail) {
      if (path.length < 2) continue;
      const start = p(path[0]!);
      g.moveTo(start.x, start.y);
      for (const v of path.slice(1)) {
        const c = p(v);
        g.lineTo(c.x, c.y);
      }
      g.stroke({ width: 2, color: COLORS.trail, alpha: 0.55 });
    }
    const labels = this.drawOverlay(frame.overlay, poly, p);
    for (const agent of frame.agents) {
      const c = p(agent);
      g.circle(c.x, c.y, agentRadius).fill(COLORS.agent).stroke({ width: 1.5, color: 0xffffff, alpha: 0.8 });
    }
    this.setLabels(labels);
    this.app.render();
  }

  /** Overlay lines and points; returns the labels to place (line labels sit at the line's end). */
  private drawOverlay(overlay: Overlay | undefined, poly: (pts: readonly number[]) => number[], p: (v: Vec) => Vec): { at: Vec; text: string }[] {
    const labels: { at: Vec; text: string }[] = [];
    if (!overlay) return labels;
    const g = this.g;
    for (const line of overlay.lines ?? []) {
      const pts = poly(line.points);
      if (pts.length < 4) continue;
      g.moveTo(pts[0]!, pts[1]!);
      for (let i = 2; i + 1 < pts.length; i += 2) g.lineTo(pts[i]!, pts[i + 1]!);
      g.stroke({ width: 2, color: color(line.color, COLORS.overlay), alpha: 0.9 });
      if (line.label) labels.push({ at: { x: pts.at(-2)! + 4, y: pts.at(-1)! - 6 }, text: line.label });
    }
    for (const point of overlay.points ?? []) {
      const c = p(point);
      g.circle(c.x, c.y, 4).fill(color(point.color, COLORS.overlay));
      if (point.label) labels.push({ at: { x: c.x + 6, y: c.y - 6 }, text: point.label });
    }
    for (const label of overlay.labels ?? []) labels.push({ at: p(label), text: label.text });
    return labels;
  }

  /** Places label texts, reusing Text objects from earlier frames. */
  private setLabels(labels: readonly { at: Vec; text: string }[]): void {
    while (this.texts.length < labels.length) {
      const t = new Text({ text: '', style: { fontFamily: 'sans-serif', fontSize: 12, fill: COLORS.label } });
      this.texts.push(t);
      this.app.stage.addChild(t);
    }
    this.texts.forEach((t, i) => {
      const label = labels[i];
      t.visible = label !== undefined;
      if (!label) return;
      if (t.text !== label.text) t.text = label.text;
      t.position.set(label.at.x, label.at.y);
    });
  }
}
