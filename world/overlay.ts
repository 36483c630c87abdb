// Overlay drawing commands an agent attaches to a tick (plans, imagined paths, labels), in world pixels.

export interface OverlayLine {
  /** Flat [x0, y0, x1, y1, …] polyline in world pixels. */
  points: number[];
  color?: string;
  label?: string;
}

export interface OverlayPoint {
  x: number;
  y: number;
  color?: string;
  label?: string;
}

export interface OverlayLabel {
  x: number;
  y: number;
  text: string;
}

export interface Overlay {
  lines?: OverlayLine[];
  points?: OverlayPoint[];
  labels?: OverlayLabel[];
  /** Short status text, such as the actor's mode. */
  badge?: string;
}
