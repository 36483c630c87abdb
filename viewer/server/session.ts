// What a live or replay session shares: the connection it talks to and the clock that drives its ticks.
import type { ClientMessage, ServerMessage } from '../protocol.ts';

/** The server's side of one browser tab. */
export interface Channel {
  send(message: ServerMessage): void;
  /** True while the socket has a backlog; the clock skips ticks until it drains. */
  congested(): boolean;
}

export interface Session {
  /** Sends the hello and first frame, and starts the clock. */
  start(): void;
  /** Handles a validated page message; throws an Error whose message is sent back to the page. */
  handle(message: ClientMessage): void;
  /** Stops the clock and releases everything the session holds. */
  dispose(): void;
}

/** Real time: ticks per second at speed 1, matching the world's fixed step of 1000/60 ms. */
export const TICKS_PER_SECOND = 60;
/** Ticks at most per timer callback, so a high speed cannot starve the event loop. */
const MAX_TICKS_PER_CALLBACK = 16;

/** Drives `tick` at `speed` × real time from a timer, with pause; only the viewer uses timers, headless runs do not. */
export class Clock {
  paused = false;
  speed = 1;
  private timer: NodeJS.Timeout | null = null;
  private owed = 0;

  constructor(
    private readonly tick: () => void,
    private readonly channel: Channel,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.advance(), 1000 / TICKS_PER_SECOND);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private advance(): void {
    if (this.paused || this.channel.congested()) return;
    this.owed = Math.min(this.owed + this.speed, MAX_TICKS_PER_CALLBACK);
    while (this.owed >= 1 && !this.paused) {
      this.owed -= 1;
      this.tick();
    }
  }

  status(): ServerMessage {
    return { type: 'status', paused: this.paused, speed: this.speed };
  }
}
