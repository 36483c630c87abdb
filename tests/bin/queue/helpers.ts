// What the queue's tests share: whether they run (redis-server present, or required by CI), the CLI as a child process, and workers to start and stop.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { redisServerPath } from '../../../bench/redis-server.ts';

/** CI (.ci/run sets this) must run the queue tests: there a missing redis-server fails them instead of skipping them. */
export const REQUIRED = process.env.AUTONOMY_QUEUE_TESTS === 'required';
/** On a machine without redis-server, the tests that need one are skipped, and say so loudly. */
export const SKIP = redisServerPath() === null && !REQUIRED;

export function warnIfSkipped(file: string): void {
  if (!SKIP) return;
  console.warn(
    `\n*** SKIPPED: the queue tests (${file}) need Debian's redis-server, which this machine lacks.\n` +
      '*** Install it with `apt-get install -y redis-server` to run them; CI (.ci/run) installs it and always runs them.\n',
  );
}

/** Fails, naming what to install, when CI requires the tests and redis-server is missing. */
export function requireRedis(): void {
  if (redisServerPath() === null) throw new Error('the queue tests need redis-server; install it with `apt-get install -y redis-server` (.ci/run does this)');
}

const bin = path.resolve('bin/autonomy.js');
/** wasm: the backend of every run here, so results compare exactly. */
export const ENV = { ...process.env, AUTONOMY_BACKEND: 'wasm' };

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end. */
export function autonomy(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: options.cwd ?? process.cwd(), env: options.env ?? ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A CLI process left running (a worker, or a command whose progress a test watches), with its output so far. */
export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves once the output (stdout and stderr) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
}

export function start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? process.cwd(), env: options.env ?? ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const read = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    process: child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited before ${pattern} appeared in:\n${output}`));
          }
        }, 50));
        check();
      }),
  };
}

/** Starts `autonomy worker` and resolves once it takes jobs. */
export async function startWorker(url: string, extra: string[] = [], env?: NodeJS.ProcessEnv): Promise<Child> {
  const worker = start(['worker', '--queue', url, '--concurrency', '1', ...extra], env ? { env } : {});
  await worker.waitFor(/takes jobs from/);
  return worker;
}

/** Stops a worker if it still runs (SIGTERM returns its jobs to the queue) and waits for it. */
export async function stopWorker(worker: Child | undefined): Promise<void> {
  if (!worker || worker.process.exitCode !== null || worker.process.signalCode !== null) return;
  worker.process.kill('SIGTERM');
  await worker.exited;
}

/** The JSON object on the last line of stdout. */
export const lastJson = <T>(run: Run): T => JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;

/** Evaluation rows without their timings (which differ run to run): what must match exactly wherever the episodes ran. */
export const withoutTimings = (rows: { msPerDecision?: unknown }[]): unknown[] => rows.map(({ msPerDecision: _ms, ...rest }) => rest);
