// The queue end to end against a real redis-server with a password: eval and ablate on two workers give the local run's results, `queue status` shows the queue, and the password never appears.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../bench/redis-server.ts';
import { checkRedis } from '../../../bin/queue/connection.ts';
import { parseQueueUrl } from '../../../bin/queue/url.ts';
import { autonomy, ENV, lastJson, requireRedis, SKIP, startWorker, stopWorker, warnIfSkipped, withoutTimings, type Child } from './helpers.ts';

warnIfSkipped('tests/bin/queue/queue.test.ts');

/** Characters a URL must encode, so the test also checks that a percent-encoded password works. */
const PASSWORD = 'q:u/e@ue-s3cret';
let redis: RedisServer;
let url: string;
let workers: Child[] = [];

beforeAll(async () => {
  if (SKIP) return;
  requireRedis();
  redis = await startRedis({ password: PASSWORD });
  url = redis.url;
  workers = await Promise.all([startWorker(url), startWorker(url)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
});

/** Neither the password nor its percent-encoded form appears anywhere in a run's output. */
function expectNoPassword(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain('s3cret');
  }
}

interface EvalJson {
  rows: { agent: string; msPerDecision: { median: number } }[];
  queue?: string;
}

describe.skipIf(SKIP)('the queue, against a real redis-server', () => {
  it('evaluates on two workers with exactly the results of the local run, and never shows the password', async () => {
    const args = ['eval', 'reach', '--only', 'scripted,mode1,mode2:cem', '--episodes', '3', '--deterministic', '--json'];
    const [queued, local] = await Promise.all([autonomy([...args, '--queue', url]), autonomy([...args, '--workers', '0'])]);
    expect(queued.stderr).not.toMatch(/error/);
    expect(queued.code).toBe(0);
    expect(local.code).toBe(0);
    const q = lastJson<EvalJson>(queued);
    expect(withoutTimings(q.rows)).toEqual(withoutTimings(lastJson<EvalJson>(local).rows));
    expect(q.queue).toBe(`redis://:***@127.0.0.1:${redis.port}`);
    for (const row of q.rows.filter((r) => r.agent !== 'scripted')) expect(row.msPerDecision.median).toBeGreaterThan(0);
    // Both workers took episodes.
    for (const w of workers) expect(w.output()).toMatch(/start eval-/);
    expect(queued.stderr).toMatch(new RegExp(`eval reach: 9 episodes as jobs on redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} \\(2 workers connected\\)`));
    expect(queued.stderr).toMatch(/eval reach: 9\/9 episodes/);
    expectNoPassword(queued.stdout, queued.stderr, ...workers.map((w) => w.output()));
  }, 120_000);

  it('runs the ablation variants on the workers with the local run\'s table', async () => {
    const args = ['ablate', 'reach', '--steps', '5', '--variants', 'no covariance', '--json'];
    const [queued, local] = await Promise.all([autonomy([...args, '--queue', url]), autonomy(args)]);
    expect(queued.code).toBe(0);
    expect(local.code).toBe(0);
    const { queue: _q, ...q } = lastJson<{ queue: string }>(queued);
    expect(q).toEqual(lastJson(local));
    expectNoPassword(queued.stdout, queued.stderr);
  }, 120_000);

  it('shows waiting, active, done and failed jobs and the workers; collected jobs have left the queue', async () => {
    const [text, json] = await Promise.all([
      autonomy(['queue', 'status', url]),
      // The password may come from the environment instead of the URL.
      autonomy(['queue', 'status', `redis://127.0.0.1:${redis.port}`, '--json'], { env: { ...ENV, AUTONOMY_REDIS_PASSWORD: PASSWORD } }),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^queue at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} \\(Redis \\d+\\.\\d+\\.\\d+\\)\\nwaiting 0, active 0, done 0, failed 0\\nworkers: 2 \\(.*:\\d+@\\d+\\.\\d+\\.\\d+, .*:\\d+@\\d+\\.\\d+\\.\\d+\\)`));
    expect(lastJson(json)).toMatchObject({ queue: `redis://127.0.0.1:${redis.port}`, counts: { waiting: 0, active: 0, done: 0, failed: 0 }, workers: [expect.any(String), expect.any(String)], failed: [], refusals: [] });
    expectNoPassword(text.stdout, text.stderr, json.stdout, json.stderr);
  }, 60_000);

  it('says in words, without the password, that a password is wrong or missing, and that nothing listens', async () => {
    const refusal = (text: string): Promise<string> => checkRedis(parseQueueUrl(text)).then(() => 'connected', (e: Error) => e.message);
    const wrong = await refusal(`redis://:not-${encodeURIComponent(PASSWORD)}@127.0.0.1:${redis.port}`);
    expect(wrong).toBe(`Redis at redis://:***@127.0.0.1:${redis.port} refused the user name or password; give the right ones in the URL (redis://USER:PASSWORD@HOST:PORT) or the password in $AUTONOMY_REDIS_PASSWORD`);
    expect(await refusal(`redis://127.0.0.1:${redis.port}`)).toBe(`Redis at redis://127.0.0.1:${redis.port} needs a password; give it in the URL (redis://:PASSWORD@HOST:PORT) or in $AUTONOMY_REDIS_PASSWORD`);
    expect(await refusal(`redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:1`)).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: nothing listens there \(connection refused\)/);
    expectNoPassword(wrong);
    // The command line says it in one line.
    const none = await autonomy(['eval', 'reach', '--only', 'scripted', '--episodes', '1', '--queue', `redis://127.0.0.1:${redis.port}`]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(`autonomy: error: Redis at redis://127.0.0.1:${redis.port} needs a password; give it in the URL (redis://:PASSWORD@HOST:PORT) or in $AUTONOMY_REDIS_PASSWORD`);
  }, 60_000);

  it('connects over TLS with rediss://', async () => {
    let openssl = true;
    try {
      execFileSync('openssl', ['version']);
    } catch {
      openssl = false;
    }
    if (!openssl) {
      console.warn('*** SKIPPED: the rediss:// test needs openssl to make a certificate');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tls = await startRedis({ password: PASSWORD, tls: { cert, key } });
    try {
      const trusted = await autonomy(['queue', 'status', tls.url, '--json'], { env: { ...ENV, NODE_EXTRA_CA_CERTS: cert } });
      expect(trusted.stderr).toBe('');
      expect(lastJson(trusted)).toMatchObject({ queue: `rediss://:***@127.0.0.1:${tls.port}`, counts: { waiting: 0 } });
      // This process does not trust the certificate; and a plain connection to the TLS port is refused.
      const untrusted = await checkRedis(parseQueueUrl(tls.url)).then(() => 'connected', (e: Error) => e.message);
      expect(untrusted).toMatch(/^the TLS connection to Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+ failed: .*certificate.*\$NODE_EXTRA_CA_CERTS/);
      const plain = await checkRedis(parseQueueUrl(tls.url.replace('rediss:', 'redis:'))).then(() => 'connected', (e: Error) => e.message);
      expect(plain).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ closed the connection|^cannot reach Redis/);
      expectNoPassword(trusted.stdout, trusted.stderr, untrusted, plain);
    } finally {
      await tls.stop();
    }
  }, 60_000);
});
