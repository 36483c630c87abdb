// The viewer's WebSocket protocol: page → server messages and server → page messages (frames); types and constants only.
import type { Overlay } from '../world/overlay.ts';
import type { SceneSpec, Vec, WorldSnapshot } from '../world/sim.ts';

/** Playback speeds the server accepts, as multiples of real time (60 ticks per second). */
export const MIN_SPEED = 0.05;
export const MAX_SPEED = 16;
/** Ticks of cost history the page charts (and a replay seek sends). */
export const COST_HISTORY = 600;

/** Every message the page may send (validated by `clientMessageSchema` in server/messages.ts). */
export type ClientMessage =
  | { type: 'pause'; paused: boolean }
  | { type: 'step' }
  | { type: 'speed'; speed: number }
  | { type: 'restart'; seed?: number }
  /** Moves a goal to (x, y) in world pixels (live); `agent` defaults to 0. */
  | { type: 'goal'; agent?: number; x: number; y: number }
  | { type: 'seek'; index: number };

/** The first message on a connection: what is being shown. */
export interface HelloMessage {
  type: 'hello';
  mode: 'live' | 'replay';
  sim: string;
  arena: { width: number; height: number };
  /** Agent body radius in world pixels. */
  agentRadius: number;
  /** Which controller acts (live), or what the recording's config says (replay). */
  agent: string;
  /** Number of tick records (replay only): the scrubber's range is 0 … ticks - 1. */
  ticks?: number;
}

/** Sent before the first frame of an episode (and after a seek into another episode). */
export interface SceneMessage {
  type: 'scene';
  episode: number;
  seed: number;
  scene: SceneSpec;
}

/** One tick of the world, in world pixels. */
export interface Frame extends WorldSnapshot {
  /** Live: ticks since the connection opened; replay: index of the tick record. */
  index: number;
  episode: number;
  step: number;
  /** Per agent, the rangefinder rays' end points as a flat [x0, y0, x1, y1, …] (live only). */
  rays?: number[][];
  costs?: Record<string, number>;
  overlay?: Overlay;
  success: boolean;
  /** Per agent, the path taken so far this episode; sent when a frame does not follow the previous one (a seek). */
  trail?: Vec[][];
  /** The costs of up to COST_HISTORY ticks up to this one, this one included; sent with a seek. */
  costHistory?: { index: number; costs: Record<string, number> }[];
}

export interface FrameMessage {
  type: 'frame';
  frame: Frame;
}

export interface StatusMessage {
  type: 'status';
  paused: boolean;
  speed: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ServerMessage = HelloMessage | SceneMessage | FrameMessage | StatusMessage | ErrorMessage;

/** What the page exposes on `window.__viewer` for tests and debugging. */
export interface ViewerProbe {
  connected: boolean;
  hello: HelloMessage | null;
  /** Frames received since the page loaded. */
  frames: number;
  last: Frame | null;
  /** Index of the last frame the renderer has drawn. */
  drawnIndex: number;
  paused: boolean;
  /** World pixels → page (viewport) CSS pixels, through the current camera. */
  worldToScreen(x: number, y: number): Vec;
  /** Colours (#rrggbb) of agents and goals, chosen to be told apart in pixel checks. */
  colors: { agent: string; goal: string };
}
