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
/** Unsent bytes above which the clock skips ticks, so a slow tab cannot make the server buffer without bound. */
const BACKLOG_BYTES = 1 << 20;

export interface ViewerOptions {
  source: LiveSource | ReplaySource;
  /** Folder of the built page (see `ensureViewerBuilt`). */
  assets: string;
  /** 0 or undefined picks a free port. */
  port?: number;
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

export async function startViewer(options: ViewerOptions): Promise<ViewerServer> {
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
    const send = (message: ServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const channel: Channel = { send, congested: () => socket.bufferedAmount > BACKLOG_BYTES };
    let session: Session;
    try {
      session = options.source.kind === 'live' ? new LiveSession(options.source, channel) : new ReplaySession(options.source, channel);
      session.start();
    } catch (e) {
      send({ type: 'error', message: (e as Error).message });
      socket.close(1011, 'session failed to start');
      return;
    }
    sessions.add(session);
    socket.on('message', (data, isBinary) => {
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
    socket.on('close', () => {
      sessions.delete(session);
      session.dispose();
    });
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
