// The --queue URL: redis:// or rediss:// (TLS), with an optional user, password and database; shown everywhere with the password masked.
import net from 'node:net';
import type { RedisOptions } from 'ioredis';

/** Where a password may come from instead of the URL (it then stays out of the process list and shell history). */
export const PASSWORD_ENV = 'AUTONOMY_REDIS_PASSWORD';

export interface QueueTarget {
  /** The URL with any password replaced by `***`: the only form that is printed, logged or put in --json. */
  display: string;
  /** Connection options for ioredis (host, port, db, user, password, TLS). */
  redis: RedisOptions;
  /** Every secret of the URL, for scrubbing error text that might echo one. */
  secrets: string[];
}

const FORM = 'redis://[USER[:PASSWORD]@]HOST[:PORT][/DB] or rediss://… (TLS)';

/** Masks anything between `://` (or the start) and an `@` that looks like credentials, for echoing a value we could not parse. */
export function maskCredentials(text: string): string {
  return text.replace(/^([a-z]+:\/\/)?([^@/]*?):([^@/]*)@/i, (_m, scheme: string | undefined, user: string) => `${scheme ?? ''}${user}:***@`);
}

/** Every secret parsed in this process: the CLI scrubs them from any error it prints, whatever produced the text. */
const known = new Set<string>();

/** Replaces every secret parsed in this process with `***`. */
export function scrubAll(text: string): string {
  return scrub(text, { secrets: [...known] });
}

/** Parses a --queue URL; a bad one is refused naming the flag, the form expected and the value (its password masked). */
export function parseQueueUrl(text: string, flag = '--queue', env: NodeJS.ProcessEnv = process.env): QueueTarget {
  const refuse = (why: string): never => {
    throw new Error(`${flag}: ${why}; expected ${FORM}, got '${maskCredentials(text)}'`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') refuse(`the scheme must be redis: or rediss:, not ${url.protocol}`);
  if (!url.hostname) refuse('no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) refuse(`the database must be a number (like /0), not '/${dbText}'`);
  if (url.search || url.hash) refuse('no query or fragment is read');
  const db = dbText === '' ? 0 : Number(dbText);
  const username = decodeURIComponent(url.username);
  const password = url.password !== '' ? decodeURIComponent(url.password) : env[PASSWORD_ENV] || undefined;
  const tls = url.protocol === 'rediss:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const shownUser = url.username ? `${url.username}${url.password ? ':***' : ''}@` : url.password ? ':***@' : '';
  const display = `${url.protocol}//${shownUser}${url.host}${db !== 0 ? `/${db}` : ''}`;
  const secrets = password ? [password, url.password].filter((s) => s !== '') : [];
  for (const secret of secrets) known.add(secret);
  return {
    display,
    redis: { host, port, db, ...(username ? { username } : {}), ...(password ? { password } : {}), ...(tls ? { tls: net.isIP(host) ? {} : { servername: host } } : {}) },
    secrets,
  };
}

/** Replaces every secret of the target in a text (an error message from a library, say) with `***`. */
export function scrub(text: string, target: Pick<QueueTarget, 'secrets'>): string {
  return target.secrets.reduce((t, secret) => (secret.length > 0 ? t.split(secret).join('***') : t), text);
}
