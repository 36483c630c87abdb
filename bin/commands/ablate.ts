// `autonomy ablate <sim>`: trains the world model with each anti-collapse term removed and prints the collapse table; one job per variant, here or on a queue's workers.
import type { Command } from 'commander';
import { initBackend } from '../../agent/tensor/backend.ts';
import { ABLATIONS } from '../../agent/training/training-run.ts';
import { parsePositiveInt, parseSeed } from '../options.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { isSimFile } from '../../agent/harness/plugins.ts';
import { simArgument } from '../plugins.ts';
import { runJob, type AblateJob, type AblationRow } from '../jobs/jobs.ts';
import { JobError, JobsFailedError } from '../jobs/runner.ts';
import { progress } from '../progress.ts';
import { addQueueOptions, queueRunner, type QueueFlags } from '../queue/cli.ts';

interface AblateFlags extends QueueFlags {
  steps: number;
  variants?: string;
  seed: number;
  backend?: string;
  json?: boolean;
}

export function registerAblate(program: Command): void {
  const command = program
    .command('ablate')
    .description('world-model ablations: full VICReg vs no variance vs no covariance vs prediction only')
    .argument('<sim>', 'sim name (see `autonomy list`) or the path of a sim file')
    .option('--steps <n>', 'training steps per variant', parsePositiveInt, 1000)
    .option('--seed <n>', 'seed of every variant', parseSeed, 0)
    .option('--variants <list>', `comma-separated subset of: ${Object.keys(ABLATIONS).join(', ')}`)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  addQueueOptions(command, 'with --queue: the folder every worker shares, as this machine mounts it (a sim file under it travels as a reference)').action(async (simName: string, flags: AblateFlags) => {
    const sim = await simArgument(simName);
    const names = flags.variants ? flags.variants.split(',').map((v) => v.trim()) : Object.keys(ABLATIONS);
    const unknown = names.filter((n) => !(n in ABLATIONS));
    if (unknown.length > 0) throw new Error(`unknown ablation variant '${unknown[0]}'; variants: ${Object.keys(ABLATIONS).join(', ')}`);
    if (flags.queue === undefined && flags.artifacts !== undefined) throw new Error('--artifacts names the folder the workers of a queue share; give it with --queue URL');
    const backend = await initBackend(flags.backend);
    const jobs = names.map((variant): AblateJob => ({ kind: 'ablate', backend, sim: sim.name, ...(isSimFile(simName) ? { simFile: simName } : {}), variant, steps: flags.steps, seed: flags.seed }));
    const queue = await queueRunner(flags);
    let rows: AblationRow[];
    if (queue) {
      // Each variant trains on a worker of the queue, all at once when there are enough workers.
      console.error(`ablate ${sim.name}: ${jobs.length} variants as jobs on ${queue.display}`);
      const bar = progress(`ablate ${sim.name}`, jobs.length, 'variants', { lines: true });
      try {
        const settled = await Promise.allSettled(jobs.map((job) => queue.runner.submit(job).finally(() => bar.tick())));
        const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
        if (failures.length > 0) throw failures.every((f) => f instanceof JobError) ? new JobsFailedError(failures, jobs.length) : failures[0];
        rows = settled.map((s) => (s as PromiseFulfilledResult<AblationRow>).value);
      } finally {
        bar.stop();
        await queue.runner.close();
      }
    } else {
      rows = [];
      for (const job of jobs) rows.push(await runJob(job));
    }
    if (flags.json) {
      console.log(JSON.stringify({ sim: sim.name, backend, steps: flags.steps, rows, ...(queue ? { queue: queue.display } : {}) }));
      return;
    }
    const r2 = (o: Record<string, number>): string => Object.values(o).map((v) => v.toFixed(3)).join(' / ');
    console.log(`${sim.name}: ${flags.steps} training steps per variant on ${backend}`);
    console.log(
      formatTable(
        ['variant', 'λ μ ν', 'effective rank', 'min std', `probe R² (${Object.keys(rows[0]!.probeR2).join(' / ')})`, 'h16 error px', 'copy-last h16 px'],
        rows.map((r) => [r.variant, `${r.weights.prediction} ${r.weights.variance} ${r.weights.covariance}`, r.effectiveRank, r.minStd, r2(r.probeR2), r.predError.h16, r.copyLastError.h16]),
      ),
    );
  });
}
