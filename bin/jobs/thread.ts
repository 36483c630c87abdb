// A worker thread of the local pool (piscina): runs the jobs it is sent through runJob, as the queue's workers do.
import { runJob, type Job, type JobResult } from './jobs.ts';

export default function jobThread(job: Job): Promise<JobResult> {
  return runJob(job);
}
