// Connections to the queue's Redis: a first check that fails fast and clearly, then connections that ride out a Redis restart.
import { Redis, type RedisOptions } from 'ioredis';
import { scrub, type QueueTarget } from './url.ts';

/** The BullMQ queue every command and worker uses, and the prefix of its keys. */
export const QUEUE_NAME = 'jobs';
export const QUEUE_PREFIX = 'autonomy';

/** Explains a connection error in words, naming the target by its masked URL; never echoes a password. */
export function connectionError(e: unknown, target: QueueTarget): Error {
  const raw = scrub(e instanceof Error ? e.message : String(e), target);
  const where = `Redis at ${target.display}`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(raw)) {
    return new Error(`${where} refused the user name or password; give the right ones in the URL (redis://USER:PASSWORD@HOST:PORT) or the password in $AUTONOMY_REDIS_PASSWORD`);
  }
  if (/NOAUTH/i.test(raw)) return new Error(`${where} needs a password; give it in the URL (redis://:PASSWORD@HOST:PORT) or in $AUTONOMY_REDIS_PASSWORD`);
  if (/ECONNREFUSED/.test(raw)) return new Error(`cannot reach ${where}: nothing listens there (connection refused); start redis-server, or check the host and port (docs/scale-out.md)`);
  if (/ENOTFOUND|EAI_AGAIN/.test(raw)) return new Error(`cannot reach ${where}: the host name does not resolve`);
  if (/ETIMEDOUT|timed? ?out/i.test(raw)) return new Error(`cannot reach ${where}: no answer within 5 s (a firewall, a wrong host, or rediss:// to a plain port?)`);
  if (/certificate|self[- ]signed|SSL|TLS|EPROTO|wrong version number/i.test(raw)) {
    return new Error(`the TLS connection to ${where} failed: ${raw} (rediss:// needs a TLS port; a private CA's certificate goes in $NODE_EXTRA_CA_CERTS)`);
  }
  if (/Connection is closed|ECONNRESET/.test(raw)) return new Error(`${where} closed the connection (redis:// to a TLS-only port? then use rediss://): ${raw}`);
  return new Error(`${where}: ${raw}`);
}

/**
 * Connects once without retrying, to say at once and in words when Redis is unreachable or refuses the credentials.
 * @returns the server's version
 */
export async function checkRedis(target: QueueTarget): Promise<string> {
  const client = new Redis({ ...target.redis, lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // connect() rejects with 'Connection is closed.' when it gives up; the error event says why.
  let cause: unknown = null;
  client.on('error', (e: unknown) => (cause ??= e));
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    if (Number(version.split('.')[0]) < 5) throw new Error(`Redis ${version} at ${target.display} is too old for BullMQ; it needs Redis 5 or newer (6.2+ recommended)`);
    return version;
  } catch (e) {
    if (e instanceof Error && /too old/.test(e.message)) throw e;
    throw connectionError(cause ?? e, target);
  } finally {
    client.disconnect();
  }
}

/**
 * A connection that retries for ever (a Redis restart or a network outage waits rather than fails), saying once per
 * outage on stderr that it lost Redis, and when it is back.
 */
export function openRedis(target: QueueTarget, log: (line: string) => void, extra: RedisOptions = {}): Redis {
  const client = new Redis({ ...target.redis, maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(100 * attempt, 2000), ...extra });
  let lost = false;
  let cause = '';
  client.on('error', (e: unknown) => {
    cause = connectionError(e, target).message;
  });
  // 'reconnecting' follows every connection that closed without being asked to: a restart, a network outage.
  client.on('reconnecting', () => {
    if (lost) return;
    lost = true;
    log(`lost the connection to Redis at ${target.display}${cause ? ` (${cause})` : ''}; retrying until it is back`);
  });
  client.on('ready', () => {
    cause = '';
    if (!lost) return;
    lost = false;
    log(`reconnected to Redis at ${target.display}`);
  });
  return client;
}
