// `autonomy eval <sim>`: success rate, steps, decision latency and model evaluations per agent and planner, over fixed seeds.
import type { Command } from 'commander';
import { initBackend } from '../../agent/tensor/backend.ts';
import { checkpointPlanner, DEFAULT_ROWS, parseRows } from '../eval/episodes.ts';
import { runEvaluation } from '../eval/run-eval.ts';
import { addCostOptions, addPlanningOptions, checkSeedRange, parsePositiveInt, parseSeed, parseWorkers, planningOverrides, type CostFlags, type PlanningFlags } from '../options.ts';
import { costChoice, shippedFor, simArgument } from '../plugins.ts';
import { isSimFile } from '../../agent/harness/plugins.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { progress } from '../progress.ts';
import { addQueueOptions, queueRunner, type QueueFlags } from '../queue/cli.ts';

interface EvalFlags extends PlanningFlags, CostFlags, QueueFlags {
  checkpoint?: string;
  episodes: number;
  seed: number;
  only?: string;
  workers?: number;
  deterministic?: boolean;
  backend?: string;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description('evaluate agents and planners on fixed seeds: success, steps, ms and model evaluations per decision')
    .argument('<sim>', 'sim name (see `autonomy list`) or the path of a sim file')
    .option('--checkpoint <dir>', 'trained agent (default: the one shipped for the sim)')
    .option('--episodes <n>', 'episodes per row', parsePositiveInt, 20)
    .option('--seed <n>', 'seed of the first episode; episode i uses seed + i', parseSeed, 1000)
    .option('--only <rows>', 'rows to run, e.g. mode1,mode2:cem,scripted (mode2 alone: the checkpoint\'s planner)')
    .option('--workers <n>', 'worker threads (default: one per core; 0: this thread)', parseWorkers)
    .option('--deterministic', 'plan by iteration count only (no time budget), so results do not depend on load')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  addQueueOptions(addPlanningOptions(addCostOptions(command)), 'with --queue: the folder every worker shares, as this machine mounts it (a checkpoint or plug-in under it travels as a reference)')
    .action(async (simName: string, flags: EvalFlags) => {
      const sim = await simArgument(simName);
      checkSeedRange(flags.seed, flags.episodes);
      if (flags.queue !== undefined && flags.workers !== undefined) throw new Error(`--workers sizes the local pool; with --queue the episodes run on the queue's workers (\`autonomy worker --queue URL --concurrency N\` on each machine): drop --workers`);
      if (flags.queue === undefined && flags.artifacts !== undefined) throw new Error('--artifacts names the folder the workers of a queue share; give it with --queue URL');
      const { planner, ...planning } = planningOverrides(flags);
      if (flags.deterministic && planning.timeBudgetMs !== undefined) throw new Error('--deterministic plans without a time budget: give it or --budget-ms, not both');
      const checkpoint = flags.checkpoint ?? shippedFor(sim);
      // `mode2` alone plans as the checkpoint does, unless --planner says otherwise.
      const rows = flags.only ? parseRows(flags.only, planner ?? checkpointPlanner(checkpoint)) : planner ? parseRows(`mode2:${planner}`) : DEFAULT_ROWS;
      const needsModel = rows.some((r) => r.agent !== 'random' && r.agent !== 'scripted');
      if (needsModel && !checkpoint) {
        throw new Error(`no checkpoint ships for '${sim.name}': give --checkpoint DIR (from \`autonomy train ${sim.name}\`) or --only random,scripted`);
      }
      const backend = await initBackend(flags.backend);
      const { extraCosts, weights, defaultWeights, warnings } = await costChoice(flags, sim);
      for (const line of warnings) console.error(line);
      const queue = await queueRunner(flags);
      const total = rows.length * flags.episodes;
      if (queue) {
        const workers = await queue.runner.workers();
        console.error(`eval ${sim.name}: ${total} episodes as jobs on ${queue.display} (${workers === null ? 'an unknown number of workers' : `${workers} worker${workers === 1 ? '' : 's'}`} connected)`);
      }
      const bar = progress(`eval ${sim.name}`, total, 'episodes', { quiet: flags.json && !queue, lines: queue !== undefined });
      let results;
      try {
        results = await runEvaluation(
          {
            sim: sim.name,
            rows,
            episodes: flags.episodes,
            seed: flags.seed,
            ...(checkpoint ? { checkpoint } : {}),
            backend,
            ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
            deterministic: flags.deterministic ?? false,
            planning,
            ...(isSimFile(simName) ? { simFile: simName } : {}),
            costFiles: flags.cost.map((c) => c.file),
            weights,
            defaultWeights,
            onEpisode: () => bar.tick(),
          },
          queue?.runner,
        );
      } finally {
        bar.stop();
        await queue?.runner.close();
      }
      if (flags.json) {
        console.log(JSON.stringify({ sim: sim.name, episodes: flags.episodes, seed: flags.seed, backend, checkpoint: checkpoint ?? null, rows: results, ...(queue ? { queue: queue.display } : {}) }));
        return;
      }
      console.log(`${sim.name}: ${flags.episodes} episodes per row, seeds ${flags.seed}…${flags.seed + flags.episodes - 1}, ${backend}${checkpoint ? `, checkpoint ${checkpoint}` : ''}`);
      // The costs the flags name get a column each (mean per tick): the effect of a plug-in or a weight, row by row.
      const shown = [...new Set([...extraCosts.map((c) => c.name), ...Object.keys(weights)])];
      console.log(
        formatTable(
          ['agent', 'planner', 'success', '95 % interval', 'mean steps', 'ms/decision median', 'p95', 'model evals/decision', ...shown.map((n) => `${n} per tick`)],
          results.map((r) => [r.agent, r.planner ?? '-', `${(100 * r.successRate).toFixed(0)} %`, `${(100 * r.successInterval[0]).toFixed(0)}–${(100 * r.successInterval[1]).toFixed(0)} %`, r.meanSteps, r.msPerDecision.median, r.msPerDecision.p95, Math.round(r.modelEvalsPerDecision), ...shown.map((n) => r.meanCost[n] ?? 0)]),
        ),
      );
    });
}
