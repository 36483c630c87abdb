// The faults the queue survives, each against a real redis-server: a worker SIGKILLed mid-job, Redis restarted mid-sweep, jobs that throw, a worker of another version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../bench/redis-server.ts';
import type { EvalJob } from '../../../bin/jobs/jobs.ts';
import { PACKAGE_VERSION } from '../../../bin/jobs/package.ts';
import { JobError } from '../../../bin/jobs/runner.ts';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../../bin/queue/connection.ts';
import { openQueueRunner } from '../../../bin/queue/queue-runner.ts';
import { parseQueueUrl } from '../../../bin/queue/url.ts';
import { autonomy, lastJson, requireRedis, SKIP, start, startWorker, stopWorker, warnIfSkipped, withoutTimings, type Child } from './helpers.ts';

warnIfSkipped('tests/bin/queue/faults.test.ts');

let servers: RedisServer[] = [];
let children: Child[] = [];

beforeAll(() => {
  if (!SKIP) requireRedis();
});

afterEach(async () => {
  await Promise.all(children.map(stopWorker));
  await Promise.all(servers.map((s) => s.stop()));
  children = [];
  servers = [];
});

async function redis(options: Parameters<typeof startRedis>[0] = {}): Promise<RedisServer> {
  const server = await startRedis(options);
  servers.push(server);
  return server;
}

async function worker(url: string, extra: string[] = []): Promise<Child> {
  const w = await startWorker(url, extra);
  children.push(w);
  return w;
}

interface EvalJson {
  rows: { msPerDecision: unknown }[];
}

/** A sweep's cells without what depends on the machine or the clock: timings, and where the checkpoint was written. */
function comparable(json: { cells: Record<string, unknown>[] }): unknown {
  return json.cells.map(({ checkpoint: _c, train, rows, ...cell }) => ({
    ...cell,
    train: train && (({ seconds: _s, phaseSeconds: _p, transitionsPerSecond: _t, ...rest }: Record<string, unknown>) => rest)(train as Record<string, unknown>),
    rows: rows && withoutTimings(rows as { msPerDecision: unknown }[]),
  }));
}

describe.skipIf(SKIP)('faults the queue survives', () => {
  it('workers stopped mid-job never lose it: Ctrl-C finishes it, Ctrl-C twice returns it, and after a SIGKILL another worker takes it over; every episode counts once', async () => {
    const server = await redis();
    // 64 candidates per CEM iteration: an episode takes long enough (a second or more) to be stopped in the middle.
    const args = ['eval', 'reach', '--only', 'mode2:cem', '--samples', '64', '--episodes', '3', '--deterministic', '--json'];
    // The same episodes here, beside the queue's workers, for the results they must give.
    const local = autonomy([...args, '--workers', '0']);
    const queued = start([...args, '--queue', server.url]);
    children.push(queued);
    const started = (w: Child): string[] => [...w.output().matchAll(/start (eval-\w+)/g)].map((m) => m[1]!);

    // Two workers take a job each. Ctrl-C: the first finishes its job and takes no other. Ctrl-C twice: the second's
    // job goes back to the queue, unfinished.
    const [finishing, returning] = await Promise.all([worker(server.url, ['--stall-timeout', '2']), worker(server.url, ['--stall-timeout', '2'])]);
    await Promise.all([finishing.waitFor(/start eval-/), returning.waitFor(/start eval-/)]);
    finishing.process.kill('SIGINT');
    returning.process.kill('SIGINT');
    await returning.waitFor(/stopping: finishing/);
    returning.process.kill('SIGINT');
    expect(await finishing.exited).toBe(0);
    expect(finishing.output()).toContain('stopping: finishing 1 job under way, taking no more (Ctrl-C again returns them to the queue)');
    expect(started(finishing)).toHaveLength(1);
    expect(finishing.output()).toContain(`done  ${started(finishing)[0]}`);
    expect(await returning.exited).toBe(0);
    const returned = started(returning)[0]!;
    expect(returning.output()).toContain(`returned ${returned} to the queue`);
    expect(returning.output()).not.toContain(`done  ${returned}`);

    // SIGKILL: the job's lock runs out, and the next worker takes it over.
    const killed = await worker(server.url, ['--stall-timeout', '2']);
    await killed.waitFor(/start eval-/);
    const lost = started(killed)[0]!;
    killed.process.kill('SIGKILL');
    await killed.exited;
    const last = await worker(server.url, ['--stall-timeout', '2']);
    expect(await queued.exited).toBe(0);
    expect(started(last)).toContain(lost);
    // Every episode finished exactly once, on the first worker or the last.
    const done = (w: Child): string[] => [...w.output().matchAll(/done {2}(eval-\w+)/g)].map((m) => m[1]!);
    const finished = [...done(finishing), ...done(last)];
    expect(finished).toHaveLength(3);
    expect(new Set(finished).size).toBe(3);
    expect(finished).toEqual(expect.arrayContaining([returned, lost]));

    const result = JSON.parse(queued.output().trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as EvalJson;
    expect(withoutTimings(result.rows)).toEqual(withoutTimings(lastJson<EvalJson>(await local).rows));
    expect(queued.output()).toMatch(/eval reach: 3\/3 episodes/);
    expect(queued.output()).not.toMatch(/[4-9]\/3 episodes/);
  }, 180_000);

  it('Redis restarted mid-sweep (append-only persistence): the sweep completes with the same results as here', async () => {
    const server = await redis({ appendonly: true });
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-shared-'));
    const sweep = path.join(shared, 'grid.json');
    fs.writeFileSync(sweep, JSON.stringify({ name: 'restart', sims: ['reach'], seeds: [5], settings: [{ preset: 'smoke', steps: 20 }], train: true, eval: { episodes: 2, only: 'scripted,mode1', deterministic: true } }));
    // The same sweep here, beside the queue's worker, for the results it must give.
    const here = autonomy(['sweep', sweep, '--workers', '0', '--artifacts', fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-local-')), '--json']);
    const w = await worker(server.url, ['--artifacts', shared, '--stall-timeout', '5']);
    const queued = start(['sweep', sweep, '--queue', server.url, '--artifacts', shared, '--json']);
    children.push(queued);
    // The restart lands while the training job runs on the worker.
    await w.waitFor(/start train-/);
    await server.restart();
    const local = await here;
    expect(await queued.exited).toBe(0);
    expect(w.output()).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+.*; retrying until it is back/);
    expect(w.output()).toMatch(/reconnected to Redis/);
    expect(local.code).toBe(0);
    const q = JSON.parse(queued.output().trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as { cells: Record<string, unknown>[] };
    expect(comparable(q)).toEqual(comparable(lastJson(local)));
    expect(fs.existsSync(path.join(shared, 'sweeps/restart/reach/preset=smoke,steps=20/seed-5/checkpoint/weights.bin'))).toBe(true);
  }, 180_000);

  it('jobs that throw are reported once each, with their error and input, are not retried, and the other jobs finish', async () => {
    const server = await redis();
    const w = await worker(server.url);
    // Through the command line: a sweep whose second setting's plug-in returns NaN on the first tick of a mode1 episode.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-failing-'));
    const sweep = path.join(dir, 'grid.json');
    const nan = path.resolve('tests/fixtures/nan-mid-run-cost.ts');
    fs.writeFileSync(sweep, JSON.stringify({ sims: ['reach'], seeds: [1000], settings: [{ name: 'plain' }, { name: 'nan', costs: [nan] }], eval: { episodes: 2, only: 'mode1' } }));
    const run = await autonomy(['sweep', sweep, '--queue', server.url]);
    expect(run.code).toBe(1);
    const reports = run.stderr.split('\n').filter((l) => /^autonomy: job eval-\w+ \(eval reach mode1 seed \d+\) failed on worker .*: intrinsic cost 'broken-cost' .* returned NaN/.test(l));
    expect(reports).toHaveLength(2);
    expect(new Set(reports.map((l) => /job (eval-\w+)/.exec(l)![1])).size).toBe(2);
    expect(run.stderr).toMatch(/\n {2}input: \{"kind":"eval","backend":"wasm","task":\{"sim":"reach","row":\{"agent":"mode1","planner":null\},"seed":\d+,.*"costFiles":\[".*nan-mid-run-cost\.ts"\]/);
    expect(run.stdout).toMatch(/reach {2}plain {4}1000 {2}mode1/);
    expect(run.stdout).toMatch(/failed: reach nan seed 1000: intrinsic cost 'broken-cost'.*returned NaN.*\(and 1 more of its jobs\)/);
    expect(run.stderr).toContain('autonomy: 1 of 2 cells failed (above); the others are in the table');
    for (const id of reports.map((l) => /job (eval-\w+)/.exec(l)![1]!)) expect(w.output().split(`start ${id}`)).toHaveLength(2);
    const status = lastJson<{ counts: { failed: number; waiting: number }; failed: { reason: string; input: unknown }[] }>(await autonomy(['queue', 'status', server.url, '--json']));
    expect(status.counts).toMatchObject({ failed: 2, waiting: 0 });
    expect(status.failed[0]).toMatchObject({ reason: expect.stringMatching(/returned NaN/), input: { kind: 'eval', task: { costFiles: ['@package/tests/fixtures/nan-mid-run-cost.ts'] } } });

    // Through the API: a job naming a plug-in file no worker has fails alone, once; the job beside it finishes.
    const failures: JobError[] = [];
    const runner = await openQueueRunner({ target: parseQueueUrl(server.url), log: () => {}, onFailure: (e) => failures.push(e) });
    const job = (seed: number, costFiles?: string[]): EvalJob => ({ kind: 'eval', backend: 'wasm', task: { sim: 'reach', row: { agent: 'scripted', planner: null }, seed, ...(costFiles ? { costFiles } : {}) } });
    const [bad, good] = await Promise.allSettled([runner.submit(job(7, ['/nonexistent/plug-in.ts'])), runner.submit(job(8))]);
    await runner.close();
    expect(good).toMatchObject({ status: 'fulfilled', value: { seed: 8, success: true } });
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason as JobError;
    expect(error).toBeInstanceOf(JobError);
    expect(error.message).toMatch(/cost file '\/nonexistent\/plug-in\.ts'.*(does not exist|not found|cannot)/i);
    expect(error.report()).toMatch(/^job eval-\w+ \(eval reach scripted seed 7\) failed on worker .*\n {2}input: \{"kind":"eval".*"costFiles":\["\/nonexistent\/plug-in\.ts"\]/);
    expect(failures).toEqual([error]);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: server.port }, prefix: QUEUE_PREFIX });
    const stored = await queue.getJob(error.jobId);
    expect(stored?.attemptsMade).toBe(1);
    expect(await stored?.getState()).toBe('failed');
    await queue.close();

    // `queue clean` removes the failed jobs (the finished ones were removed by the commands that collected them).
    const clean = await autonomy(['queue', 'clean', server.url]);
    expect(clean.stdout.trim()).toBe(`removed 0 done and 3 failed jobs from redis://127.0.0.1:${server.port}`);
    const after = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: server.port }, prefix: QUEUE_PREFIX });
    expect(await after.getJobCounts('completed', 'failed', 'wait')).toEqual({ completed: 0, failed: 0, wait: 0 });
    await after.close();
  }, 120_000);

  it('a worker of another package version refuses the job with a clear message, returns it to the queue, and stops', async () => {
    const server = await redis();
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: server.port }, prefix: QUEUE_PREFIX });
    const job: EvalJob = { kind: 'eval', backend: 'wasm', task: { sim: 'reach', row: { agent: 'scripted', planner: null }, seed: 1 } };
    await queue.add('eval', { version: '0.0.0-other', job, fingerprints: {} }, { jobId: 'eval-from-another-version' });
    const w = start(['worker', '--queue', server.url, '--concurrency', '1']);
    children.push(w);
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain(
      `refusing jobs, and stopping: job eval-from-another-version was enqueued by autonomy 0.0.0-other, and this worker runs autonomy ${PACKAGE_VERSION}; every worker must run the version that enqueues (install autonomy 0.0.0-other here, or enqueue with ${PACKAGE_VERSION}); the job went back to the queue for another worker`,
    );
    const stored = await queue.getJob('eval-from-another-version');
    expect(await stored?.getState()).toBe('waiting');
    expect(stored?.attemptsMade).toBe(0);
    await queue.close();
    const status = await autonomy(['queue', 'status', server.url]);
    expect(status.stdout).toMatch(/waiting 1, active 0, done 0, failed 0/);
    expect(status.stdout).toMatch(new RegExp(`refused: worker .*:\\d+@${PACKAGE_VERSION.replace(/\./g, '\\.')} \\(autonomy ${PACKAGE_VERSION.replace(/\./g, '\\.')}\\) at .*: job eval-from-another-version was enqueued by autonomy 0\\.0\\.0-other`));
  }, 60_000);
});
