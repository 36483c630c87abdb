// `autonomy sweep FILE`: trains and/or evaluates a grid of sims × seeds × settings from a JSON file, here on a worker pool or on a queue's workers, with one table.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { SimWithCosts } from '../../agent/cost/index.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { initBackend } from '../../agent/tensor/backend.ts';
import { inThreadRunner, poolRunner, type JobRunner } from '../jobs/runner.ts';
import { parseCostFlag, parseWorkers } from '../options.ts';
import { costChoice, shippedFor, simArgument, type CostChoice } from '../plugins.ts';
import { progress } from '../progress.ts';
import { addQueueOptions, artifactsFolder, queueRunner, type QueueFlags } from '../queue/cli.ts';
import { cells, readSweep } from '../sweep/plan.ts';
import { costKey, runSweep, summarizeOverSeeds, sweepJobCount, type CellResult } from '../sweep/run-sweep.ts';

interface SweepFlags extends QueueFlags {
  workers?: number;
  backend?: string;
  json?: boolean;
}

const percent = (v: number): string => `${(100 * v).toFixed(0)} %`;
const interval = ([low, high]: [number, number]): string => `${(100 * low).toFixed(0)}–${(100 * high).toFixed(0)} %`;

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description('train and/or evaluate a grid of sims × seeds × settings from a JSON file (docs/scale-out.md), on this machine or on a queue\'s workers')
    .argument('<file>', 'the sweep file (JSON): { "sims": [...], "seeds": [...], "settings": [{...}], "train": true, "eval": { "episodes": N } }')
    .option('--workers <n>', 'worker threads of the local pool (default: one per core; 0: this thread)', parseWorkers)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  addQueueOptions(command, 'the folder training jobs write their checkpoints under (sweeps/NAME/SIM/SETTING/seed-N); with --queue, the folder every worker shares, as this machine mounts it (default here: runs)').action(
    async (file: string, flags: SweepFlags) => {
      const plan = readSweep(file);
      if (flags.queue !== undefined && flags.workers !== undefined) throw new Error('--workers sizes the local pool; with --queue the jobs run on the queue\'s workers (`autonomy worker --queue URL --concurrency N`): drop --workers');
      if (flags.queue !== undefined && plan.train && flags.artifacts === undefined) {
        throw new Error('a sweep that trains on a queue writes its checkpoints where every worker can read them: give --artifacts DIR, the folder every worker mounts (and start the workers with --artifacts too; docs/scale-out.md)');
      }
      let artifacts: string;
      if (flags.artifacts !== undefined) artifacts = artifactsFolder(flags.artifacts);
      else {
        artifacts = path.resolve('runs');
        if (plan.train) fs.mkdirSync(artifacts, { recursive: true });
      }
      const backend = await initBackend(flags.backend);
      // Every sim and plug-in is loaded and checked here, before any job runs.
      const sims = new Map<string, SimWithCosts>();
      for (const s of plan.sims) sims.set(s, await simArgument(s));
      const costs = new Map<string, CostChoice & { files: string[] }>();
      const warned = new Set<string>();
      for (const [argument, sim] of sims) {
        for (const setting of plan.settings) {
          const cost = setting.costs.reduce((all, c) => parseCostFlag(c, all), [] as ReturnType<typeof parseCostFlag>);
          const choice = await costChoice({ cost, weight: Object.entries(setting.weights) }, sim);
          for (const line of choice.warnings.filter((w) => !warned.has(w))) {
            warned.add(line);
            console.error(line);
          }
          costs.set(costKey(argument, setting.name), { ...choice, files: cost.map((c) => c.file) });
        }
      }
      const queue = await queueRunner(flags);
      const total = sweepJobCount(plan);
      const grid = `${plan.sims.length} sim${plan.sims.length === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} × ${plan.settings.length} setting${plan.settings.length === 1 ? '' : 's'}`;
      const threads = Math.min(flags.workers ?? os.availableParallelism(), total);
      console.error(`sweep ${plan.name}: ${grid}, ${total} jobs ${queue ? `on ${queue.display}` : threads === 0 ? 'in this thread' : `on ${threads} local worker thread${threads === 1 ? '' : 's'}`}`);
      const runner: JobRunner = queue?.runner ?? (threads === 0 ? inThreadRunner() : poolRunner(threads));
      const bar = progress(`sweep ${plan.name}`, total, 'jobs', { quiet: flags.json && !queue, lines: true });
      let results: CellResult[];
      try {
        results = await runSweep({ plan, runner, backend, artifacts, sims, shipped: shippedFor, costs, onJob: () => bar.tick() });
      } finally {
        bar.stop();
        await runner.close();
      }
      const failed = results.filter((r) => r.error !== null);
      const summary = plan.eval && plan.seeds.length > 1 ? summarizeOverSeeds(results, plan.eval.episodes) : [];
      if (failed.length > 0) process.exitCode = 1;
      if (flags.json) {
        console.log(
          JSON.stringify({
            sweep: plan.name,
            sims: plan.sims,
            seeds: plan.seeds,
            settings: plan.settings.map((s) => s.name),
            train: plan.train,
            eval: plan.eval,
            backend,
            cells: results,
            summary,
            ...(queue ? { queue: queue.display } : {}),
          }),
        );
        return;
      }
      const what = [plan.train ? 'train' : '', plan.eval ? `eval ${plan.eval.episodes} episodes per row${plan.train ? ` from seed ${plan.eval.seed}` : ' from each seed'} (${plan.eval.only})` : ''].filter(Boolean).join(' + ');
      console.log(`sweep ${plan.name}: ${grid}; ${what}; ${backend}`);
      const ok = results.filter((r) => r.error === null);
      const trainHeader = plan.train ? ['effective rank', 'h16 error px'] : [];
      const trainCells = (r: CellResult): (string | number)[] => (r.train ? [r.train.effectiveRank, r.train.predError.h16 ?? '-'] : []);
      if (plan.eval) {
        console.log(
          formatTable(
            ['sim', 'setting', 'seed', ...trainHeader, 'agent', 'planner', 'success', '95 % interval', 'mean steps'],
            ok.flatMap((r) => r.rows!.map((row) => [r.sim, r.setting, r.seed, ...trainCells(r), row.agent, row.planner ?? '-', percent(row.successRate), interval(row.successInterval), row.meanSteps])),
          ),
        );
      } else {
        console.log(
          formatTable(
            ['sim', 'setting', 'seed', 'effective rank', 'min std', 'h16 error px', 'copy-last h16 px', 'checkpoint'],
            ok.map((r) => [r.sim, r.setting, r.seed, r.train!.effectiveRank, r.train!.minStd, r.train!.predError.h16 ?? '-', r.train!.copyLastError.h16 ?? '-', path.relative(process.cwd(), r.checkpoint!) || '.']),
          ),
        );
      }
      if (summary.length > 0) {
        console.log(`\nover the ${plan.seeds.length} seeds (episodes pooled)`);
        console.log(
          formatTable(
            ['sim', 'setting', 'agent', 'planner', 'success', '95 % interval', 'seeds: lowest–highest', 'mean steps'],
            summary.map((s) => [s.sim, s.setting, s.agent, s.planner ?? '-', percent(s.successRate), interval(s.successInterval), `${percent(s.seedRange[0])}–${percent(s.seedRange[1])}`, s.meanSteps]),
          ),
        );
      }
      for (const r of failed) console.log(`failed: ${r.sim} ${r.setting} seed ${r.seed}: ${r.error}`);
      if (failed.length > 0) console.error(`autonomy: ${failed.length} of ${cells(plan).length} cells failed (above); the others are in the table`);
    },
  );
}
