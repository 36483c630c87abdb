// `autonomy ablate <sim>`: trains the world model with each anti-collapse term removed and prints the collapse table.
import type { Command } from 'commander';
import { initBackend } from '../../agent/tensor/backend.ts';
import { DEFAULT_LOSS_WEIGHTS } from '../../agent/world-model/trainer.ts';
import { ABLATIONS, PRESETS, trainRun } from '../../agent/training/training-run.ts';
import { parsePositiveInt, parseSeed } from '../options.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { simArgument } from '../plugins.ts';

interface AblateFlags {
  steps: number;
  variants?: string;
  seed: number;
  backend?: string;
  json?: boolean;
}

export function registerAblate(program: Command): void {
  program
    .command('ablate')
    .description('world-model ablations: full VICReg vs no variance vs no covariance vs prediction only')
    .argument('<sim>', 'sim name (see `autonomy list`) or the path of a sim file')
    .option('--steps <n>', 'training steps per variant', parsePositiveInt, 1000)
    .option('--seed <n>', 'seed of every variant', parseSeed, 0)
    .option('--variants <list>', `comma-separated subset of: ${Object.keys(ABLATIONS).join(', ')}`)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout')
    .action(async (simName: string, flags: AblateFlags) => {
      const sim = await simArgument(simName);
      const names = flags.variants ? flags.variants.split(',').map((v) => v.trim()) : Object.keys(ABLATIONS);
      const unknown = names.filter((n) => !(n in ABLATIONS));
      if (unknown.length > 0) throw new Error(`unknown ablation variant '${unknown[0]}'; variants: ${Object.keys(ABLATIONS).join(', ')}`);
      const backend = await initBackend(flags.backend);
      const rows = names.map((variant) => [variant, ABLATIONS[variant]!] as const).map(([variant, change]) => {
        const weights = { ...DEFAULT_LOSS_WEIGHTS, ...change };
        const result = trainRun({ sim, preset: { ...PRESETS.quick, steps: flags.steps, probeSteps: 0, criticSteps: 0, distill: { ...PRESETS.quick.distill, rounds: 0 } }, presetName: 'quick', seed: flags.seed, weights });
        result.agent.dispose();
        const e = result.evidence;
        return { variant, weights, effectiveRank: e.effectiveRank, minStd: e.minStd, probeR2: e.probeR2, predError: e.predError, copyLastError: e.copyLastError };
      });
      if (flags.json) {
        console.log(JSON.stringify({ sim: sim.name, backend, steps: flags.steps, rows }));
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
