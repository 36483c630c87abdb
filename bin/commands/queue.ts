// `autonomy queue status URL` (waiting, active, done and failed jobs, the workers, their refusals) and `autonomy queue clean URL` (finished jobs and refusals).
import type { Command } from 'commander';
import { parsePositiveInt } from '../options.ts';
import { parseQueueUrl, type QueueTarget } from '../queue/url.ts';

interface StatusFlags {
  json?: boolean;
  failed: number;
}

/** The queue's jobs by state, its workers, its newest failures and its refusals. */
async function status(target: QueueTarget, failedShown: number) {
  const { Queue } = await import('bullmq');
  const { checkRedis, openRedis, QUEUE_NAME, QUEUE_PREFIX } = await import('../queue/connection.ts');
  const { refusalsKey } = await import('../queue/protocol.ts');
  const { describeJob } = await import('../jobs/jobs.ts');
  const redis = await checkRedis(target);
  const connection = openRedis(target, () => {});
  const queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  try {
    const c = await queue.getJobCounts('wait', 'prioritized', 'waiting-children', 'active', 'completed', 'failed', 'delayed');
    const counts = { waiting: (c.wait ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0), active: c.active ?? 0, done: c.completed ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 };
    let workers: string[] | null;
    try {
      // A worker's client name ends with the name it chose (host:pid@version).
      workers = (await queue.getWorkers()).map((w) => (w.rawname ?? '').replace(/^.*?:w:/, '') || 'a worker without a name').sort();
    } catch {
      workers = null;
    }
    const failed = (await queue.getFailed(0, failedShown - 1)).map((j) => {
      const input = (j.data as { job?: Parameters<typeof describeJob>[0] }).job;
      return { id: j.id ?? '?', job: input ? describeJob(input) : j.name, reason: j.failedReason, worker: j.processedBy ?? null, input: input ?? null };
    });
    const refusals = Object.values(await connection.hgetall(refusalsKey(QUEUE_PREFIX, QUEUE_NAME))).map((t) => JSON.parse(t) as { worker: string; version: string; reason: string; at: string });
    return { queue: target.display, redis, counts, workers, failed, refusals };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export function registerQueue(program: Command): void {
  const queue = program.command('queue').description('look at or tidy the Redis queue that `autonomy worker` takes jobs from');
  queue
    .command('status')
    .description('jobs waiting, active, done (not yet collected by the command that enqueued them) and failed; the workers connected; refusals')
    .argument('<url>', 'redis://[USER:PASSWORD@]HOST[:PORT][/DB] or rediss://…')
    .option('--failed <n>', 'failed jobs to list, the newest first', parsePositiveInt, 10)
    .option('--json', 'print one JSON object on the last line of stdout')
    .action(async (url: string, flags: StatusFlags) => {
      const s = await status(parseQueueUrl(url, 'queue status'), flags.failed);
      if (flags.json) {
        console.log(JSON.stringify(s));
        return;
      }
      const { waiting, active, done, failed, delayed } = s.counts;
      console.log(`queue at ${s.queue} (Redis ${s.redis})`);
      console.log(`waiting ${waiting}, active ${active}, done ${done}, failed ${failed}${delayed > 0 ? `, delayed ${delayed}` : ''}`);
      if (s.workers === null) console.log('workers: unknown (the server does not list its clients)');
      else console.log(`workers: ${s.workers.length}${s.workers.length > 0 ? ` (${s.workers.join(', ')})` : ''}`);
      if (s.failed.length > 0) {
        console.log(`failed jobs (${s.failed.length === failed ? 'all' : `the newest ${s.failed.length} of ${failed}`}):`);
        for (const f of s.failed) console.log(`  ${f.id}  ${f.job}${f.worker ? ` on ${f.worker}` : ''}: ${f.reason}`);
      }
      for (const r of s.refusals) console.log(`refused: worker ${r.worker} (autonomy ${r.version}) at ${r.at}: ${r.reason}`);
    });
  queue
    .command('clean')
    .description('remove done and failed jobs and the refusals from the queue (never waiting or active ones)')
    .argument('<url>', 'redis://[USER:PASSWORD@]HOST[:PORT][/DB] or rediss://…')
    .action(async (url: string) => {
      const target = parseQueueUrl(url, 'queue clean');
      const { Queue } = await import('bullmq');
      const { checkRedis, openRedis, QUEUE_NAME, QUEUE_PREFIX } = await import('../queue/connection.ts');
      const { refusalsKey } = await import('../queue/protocol.ts');
      await checkRedis(target);
      const connection = openRedis(target, () => {});
      const q = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
      q.on('error', () => {});
      try {
        let done = 0;
        let failed = 0;
        for (let batch; (batch = await q.clean(0, 1000, 'completed')).length > 0; ) done += batch.length;
        for (let batch; (batch = await q.clean(0, 1000, 'failed')).length > 0; ) failed += batch.length;
        const refusals = await connection.del(refusalsKey(QUEUE_PREFIX, QUEUE_NAME));
        console.log(`removed ${done} done and ${failed} failed job${done + failed === 1 ? '' : 's'}${refusals > 0 ? ' and the refusals' : ''} from ${target.display}`);
      } finally {
        await q.close();
        connection.disconnect();
      }
    });
}
