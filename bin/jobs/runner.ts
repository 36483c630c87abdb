// Where jobs run: the JobRunner interface, with the local transports (this thread, or a piscina pool of worker threads).
import { Piscina } from 'piscina';
import { describeJob, runJob, type Job, type JobResult } from './jobs.ts';

/** A job that failed where it ran (on a queue's worker): its error, the job itself, and where it ran. */
export class JobError extends Error {
  constructor(
    message: string,
    readonly job: Job,
    readonly jobId: string,
    readonly worker: string | null,
  ) {
    super(message);
    this.name = 'JobError';
  }

  /** The failure in one line, then the job's input as JSON on the next. */
  report(): string {
    return `job ${this.jobId} (${describeJob(this.job)}) failed${this.worker ? ` on worker ${this.worker}` : ''}: ${this.message}\n  input: ${JSON.stringify(this.job)}`;
  }
}

/** Some jobs of a run failed; each was reported once as it failed. */
export class JobsFailedError extends Error {
  constructor(
    readonly failures: readonly JobError[],
    total: number,
  ) {
    super(`${failures.length} of ${total} job${total === 1 ? '' : 's'} failed (each reported above with its input); the others finished`);
    this.name = 'JobsFailedError';
  }
}

/** Runs jobs somewhere (this thread, a worker pool, a queue's workers) and hands back each job's result. */
export interface JobRunner {
  /** Runs a job; rejects with the job's error (a JobError on a queue). An aborted signal stops a job a pool runs. */
  submit<J extends Job>(job: J, options?: { signal?: AbortSignal }): Promise<JobResult<J>>;
  /** Releases the runner's threads or connections once every submitted job has settled. */
  close(): Promise<void>;
}

/** Runs each job in this thread, one at a time, in the order submitted (the backend must be initialised). */
export function inThreadRunner(): JobRunner {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    submit<J extends Job>(job: J): Promise<JobResult<J>> {
      const run = chain.then(() => runJob(job));
      chain = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      await chain;
    },
  };
}

/** A pool of `threads` worker threads, each with its own tfjs backend; jobs run in the order submitted as threads free up. */
export function poolRunner(threads: number): JobRunner {
  // Compiled, the thread is JavaScript; from source it needs tsx, by its full path (the user may run from a folder
  // where 'tsx' does not resolve).
  const source = import.meta.url.endsWith('.ts');
  const pool = new Piscina({
    filename: new URL(source ? './thread.ts' : './thread.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    execArgv: source ? ['--import', import.meta.resolve('tsx')] : [],
  });
  return {
    submit: <J extends Job>(job: J, options: { signal?: AbortSignal } = {}) => pool.run(job, options.signal ? { signal: options.signal } : {}) as Promise<JobResult<J>>,
    close: () => pool.destroy(),
  };
}
