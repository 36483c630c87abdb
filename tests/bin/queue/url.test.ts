// The --queue URL: redis:// and rediss:// with users, passwords and databases parsed for ioredis, shown with the password masked, and bad URLs refused without echoing a password.
import { describe, expect, it } from 'vitest';
import { maskCredentials, parseQueueUrl, scrub, scrubAll } from '../../../bin/queue/url.ts';

describe('parseQueueUrl', () => {
  it('reads host, port and database, with the defaults', () => {
    expect(parseQueueUrl('redis://127.0.0.1', '--queue', {})).toEqual({ display: 'redis://127.0.0.1', redis: { host: '127.0.0.1', port: 6379, db: 0 }, secrets: [] });
    expect(parseQueueUrl('redis://queue.lab:6380/3', '--queue', {}).redis).toEqual({ host: 'queue.lab', port: 6380, db: 3 });
    expect(parseQueueUrl('redis://[::1]:7000', '--queue', {}).redis).toMatchObject({ host: '::1', port: 7000 });
  });

  it('takes a password (percent-encoded or not) and a user, and never shows the password', () => {
    const target = parseQueueUrl(`redis://alice:${encodeURIComponent('p@ss:w/rd')}@queue.lab:6380/2`, '--queue', {});
    expect(target.redis).toEqual({ host: 'queue.lab', port: 6380, db: 2, username: 'alice', password: 'p@ss:w/rd' });
    expect(target.display).toBe('redis://alice:***@queue.lab:6380/2');
    expect(parseQueueUrl('redis://:hunter2@h', '--queue', {}).display).toBe('redis://:***@h');
    expect(scrub('WRONGPASS hunter2 p%40ss', parseQueueUrl('redis://:hunter2@h', '--queue', {}))).toBe('WRONGPASS *** p%40ss');
    expect(scrubAll('the password was hunter2')).toBe('the password was ***');
  });

  it('takes the password from $AUTONOMY_REDIS_PASSWORD when the URL has none (the URL wins)', () => {
    expect(parseQueueUrl('redis://h', '--queue', { AUTONOMY_REDIS_PASSWORD: 'from-env' })).toMatchObject({ display: 'redis://h', redis: { password: 'from-env' }, secrets: ['from-env'] });
    expect(parseQueueUrl('redis://:in-url@h', '--queue', { AUTONOMY_REDIS_PASSWORD: 'from-env' }).redis.password).toBe('in-url');
  });

  it('turns TLS on for rediss://', () => {
    expect(parseQueueUrl('rediss://:pw@127.0.0.1:6390', '--queue', {}).redis).toEqual({ host: '127.0.0.1', port: 6390, db: 0, password: 'pw', tls: {} });
    expect(parseQueueUrl('rediss://cache.example.com', '--queue', {}).redis.tls).toEqual({ servername: 'cache.example.com' });
  });

  it('refuses what is not a Redis URL, saying what would be right and masking any password it echoes', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(/--queue: the scheme must be redis: or rediss:, not localhost:; expected redis:\/\/\[USER\[:PASSWORD\]@\]HOST\[:PORT\]\[\/DB\] or rediss:\/\/… \(TLS\), got 'localhost:6379'/);
    expect(() => parseQueueUrl('http://u:secret@h')).toThrow(/got 'http:\/\/u:\*\*\*@h'/);
    expect(() => parseQueueUrl('http://u:secret@h')).not.toThrow(/secret/);
    expect(() => parseQueueUrl('redis://:secret@h/queue')).toThrow(/the database must be a number \(like \/0\), not '\/queue'.*got 'redis:\/\/:\*\*\*@h\/queue'/);
    expect(() => parseQueueUrl('not a url')).toThrow(/--queue: not a URL/);
    expect(() => parseQueueUrl('redis://h?db=1')).toThrow(/no query or fragment/);
    expect(maskCredentials('user:pass@host:1')).toBe('user:***@host:1');
  });
});
