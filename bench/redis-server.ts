// A throwaway redis-server for the queue's tests and benchmark: on a free port of 127.0.0.1, in a temporary folder, stopped (and restartable) on demand.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's redis-server (`apt-get install -y redis-server`), or the first one on PATH; null when there is none. */
export function redisServerPath(): string | null {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter)]) {
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface RedisOptions {
  /** requirepass */
  password?: string;
  /** Append-only persistence in the folder, so a restart keeps every job. */
  appendonly?: boolean;
  /** TLS only (no plain port), with this certificate and key (the certificate is its own CA). */
  tls?: { cert: string; key: string };
}

export interface RedisServer {
  port: number;
  dir: string;
  /** `redis://` (or `rediss://` with TLS), with the password when there is one. */
  url: string;
  stop(): Promise<void>;
  /** Stops the server (SIGTERM: it writes its append-only file) and starts it again on the same port and folder. */
  restart(): Promise<void>;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server and resolves once it accepts connections; throws with its output when it does not start. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server is not installed; install it with `apt-get install -y redis-server`');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-redis-'));
  const args = [
    ...(options.tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key, '--tls-ca-cert-file', options.tls.cert, '--tls-auth-clients', 'no']
      : ['--port', String(port)]),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendonly ? 'yes' : 'no',
    '--daemonize', 'no',
    '--logfile', '',
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with code ${code}:\n${output}`));
      });
    });
    child.removeAllListeners('exit');
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    port,
    dir,
    url: `${scheme}://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}`,
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
