// Queue benchmark: evaluation episodes per second through `autonomy eval` on the local worker pool and on a Redis queue with one and two workers, and the queue's overhead per job; every figure from the same run.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerPath, startRedis } from './redis-server.ts';

/** The CLI, run as a user runs it (bench/ never imports bin/). */
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'autonomy.js');
const ENV = { ...process.env, AUTONOMY_BACKEND: 'wasm' };

export interface QueueBenchRow {
  transport: 'local pool' | 'queue';
  workers: number;
  episodesPerSecond: number;
  msPerEpisode: number;
}

export interface QueueBench {
  /** Mode-1 episodes (each loads the checkpoint, then decides about 40 times). */
  rows: QueueBenchRow[];
  /** The queue's milliseconds per job over the local pool's, one worker (thread) each, on scripted episodes (a few ms of work). */
  overheadMsPerJob: number;
  scriptedMsPerEpisode: { pool: number; queue: number };
}

/** The episode counts of the two runs each rate comes from. */
const MODE1_EPISODES: [number, number] = [10, 60];
const SCRIPTED_EPISODES: [number, number] = [20, 420];

function timeEval(args: string[], only = 'mode1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(process.execPath, [BIN, 'eval', 'reach', '--only', only, '--deterministic', '--json', ...args], { env: ENV }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`autonomy eval ${args.join(' ')} failed: ${stderr}`));
      else resolve((performance.now() - started) / 1000);
    });
  });
}

function startWorker(url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--concurrency', '1'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/takes jobs from/.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with code ${code}: ${output}`)));
  });
}

/**
 * Episodes per second from the difference of two runs of `small` and `large` episodes (on reach, the shipped
 * checkpoint): what each run spends once (the command starting, the pool's threads loading tfjs) cancels out.
 */
async function rate(args: string[], [small, large]: [number, number], only = 'mode1'): Promise<number> {
  const a = await timeEval([...args, '--episodes', String(small)], only);
  const b = await timeEval([...args, '--episodes', String(large)], only);
  return (large - small) / Math.max(1e-3, b - a);
}

/** The measurements, or the reason they were skipped (redis-server is not installed). */
export async function benchQueue(): Promise<QueueBench | string> {
  if (!redisServerPath()) return 'skipped: redis-server is not installed (`apt-get install -y redis-server`)';
  const rows: QueueBenchRow[] = [];
  const row = (transport: QueueBenchRow['transport'], workers: number, perSecond: number): void => {
    rows.push({ transport, workers, episodesPerSecond: perSecond, msPerEpisode: 1000 / perSecond });
  };
  for (const workers of [1, 2]) row('local pool', workers, await rate(['--workers', String(workers)], MODE1_EPISODES));
  const scriptedPool = 1000 / (await rate(['--workers', '1'], SCRIPTED_EPISODES, 'scripted'));
  let scriptedQueue = 0;
  const redis = await startRedis();
  const workers: ChildProcess[] = [];
  try {
    for (const count of [1, 2]) {
      while (workers.length < count) workers.push(await startWorker(redis.url));
      // A first run loads tfjs and the checkpoint in the workers' threads, as the local pool's runs do before timing starts.
      await timeEval(['--queue', redis.url, '--episodes', String(2 * count)]);
      row('queue', count, await rate(['--queue', redis.url], MODE1_EPISODES));
      if (count === 1) scriptedQueue = 1000 / (await rate(['--queue', redis.url], SCRIPTED_EPISODES, 'scripted'));
    }
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))));
    await redis.stop();
  }
  return { rows, overheadMsPerJob: scriptedQueue - scriptedPool, scriptedMsPerEpisode: { pool: scriptedPool, queue: scriptedQueue } };
}
