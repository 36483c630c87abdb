// The viewer server: static page plus one WebSocket session per tab (live or replay), bound to 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../protocol.ts';
import { LiveSession, type LiveSource } from './live.ts';
import { ReplaySession, type ReplaySource } from './replay.ts';
import { clientMessageSchema } from './messages.ts';
import type { Channel, Session } from './session.ts';
import { serveStatic } from './static.ts';

export const HOST = '127.0.0.1';
/** The page's messages are small; a longer one is refused by closing the socket (code 1009). */
const MAX_MESSAGE_BYTES = 4096;
/** Unsent bytes above which the clock skips ticks, so a slow tab does not make the server buffer its frames. */
const BACKLOG_BYTES = 1 << 20;
/** Unsent bytes above which a tab that keeps asking (step, seek) but does not read is disconnected. */
export const MAX_BACKLOG_BYTES = 8 << 20;
/** Tabs served at once by default: each live tab holds its own env and agent (networks and planner). */
export const DEFAULT_MAX_SESSIONS = 8;

export interface ViewerOptions {
  source: LiveSource | ReplaySource;
  /** Folder of the built page (see `ensureViewerBuilt`). */
  assets: string;
  /** 0 or undefined picks a free port. */
  port?: number;
  /** Tabs served at once (default DEFAULT_MAX_SESSIONS); one more is told so and closed. */
  maxSessions?: number;
}

export interface ViewerServer {
  url: string;
  port: number;
  /** Tabs currently connected. */
  readonly sessions: number;
  close(): Promise<void>;
}

/** Parses and validates one page message; the returned string is the error to send back. */
export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage | string {
  if (isBinary) return 'binary messages are not accepted; send JSON text such as {"type":"pause","paused":true}';
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch {
    return 'message is not JSON; send an object such as {"type":"step"}';
  }
  const result = clientMessageSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
  return `malformed message (${issues}); expected one of pause {paused}, step, speed {speed}, restart {seed?}, goal {agent?, x, y}, seek {index}`;
}

/** Accepts sockets from the page the server itself serves (or from clients that send no Origin, such as tests). */
function sameOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`;
}

/**
 * Starts the server once its source is known to work: a live source's agent (its checkpoint) is loaded once first, and
 * a replay's index built once, so a bad checkpoint or recording is an error here, not in every tab.
 */
export async function startViewer(options: ViewerOptions): Promise<ViewerServer> {
  if (options.source.kind === 'live') LiveSession.check(options.source);
  else new ReplaySession(options.source, { send: () => undefined, congested: () => false }).dispose();
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const server = http.createServer((req, res) => serveStatic(options.assets, req, res));
  let port = 0;
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin }: { origin?: string }) => sameOrigin(origin, port),
  });
  // The WebSocket server re-emits the HTTP server's errors; the listen below reports them, once, in words.
  wss.on('error', () => undefined);
  const sessions = new Set<Session>();

  wss.on('connection', (socket: WebSocket) => {
    let session: Session | undefined;
    const drop = (): void => {
      if (!session) return;
      sessions.delete(session);
      session.dispose();
      session = undefined;
    };
    const send = (message: ServerMessage): void => {
      if (socket.readyState !== socket.OPEN) return;
      // A tab that does not read what it asks for is cut off rather than buffered for without bound.
      // (The session is disposed on 'close', after the tick under way.)
      if (socket.bufferedAmount > MAX_BACKLOG_BYTES) {
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify(message));
    };
    if (sessions.size >= maxSessions) {
      send({ type: 'error', message: `this viewer serves at most ${maxSessions} tabs at once; close another tab, then reload this one` });
      socket.close(1013, 'too many tabs');
      return;
    }
    const channel: Channel = { send, congested: () => socket.bufferedAmount > BACKLOG_BYTES };
    try {
      session = options.source.kind === 'live' ? new LiveSession(options.source, channel) : new ReplaySession(options.source, channel);
      session.start();
    } catch (e) {
      session?.dispose();
      session = undefined;
      send({ type: 'error', message: (e as Error).message });
      socket.close(1011, 'session failed to start');
      return;
    }
    sessions.add(session);
    socket.on('message', (data, isBinary) => {
      if (!session) return;
      const message = parseClientMessage(data, isBinary);
      if (typeof message === 'string') {
        send({ type: 'error', message });
        return;
      }
      try {
        session.handle(message);
      } catch (e) {
        send({ type: 'error', message: (e as Error).message });
      }
    });
    socket.on('close', drop);
    socket.on('error', () => socket.terminate());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${options.port} is in use; pick another with --port N or omit it for a free one` : e.message)),
    );
    server.listen(options.port ?? 0, HOST, resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/`,
    port,
    get sessions() {
      return sessions.size;
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const session of sessions) session.dispose();
      sessions.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
