// `autonomy train <sim>`: collects reward-free experience, trains the H-JEPA world model, writes a checkpoint and the evidence.
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import path from 'node:path';
import { initBackend } from '../../agent/tensor/backend.ts';
import { checkCheckpointTarget, readCheckpointManifest } from '../../agent/checkpoint.ts';
import { planResume, readTrainingMeta } from '../../agent/training/resume.ts';
import { METRICS, PRESETS, trainRun } from '../../agent/training/training-run.ts';
import { addCostOptions, addPlanningOptions, parsePositiveInt, parseSeed, parseShare, planningOverrides, type CostFlags, type PlanningFlags } from '../options.ts';
import { costChoice, simArgument } from '../plugins.ts';
import { formatTable } from '../../agent/harness/table.ts';
import { trainSummary } from '../jobs/train-job.ts';

interface TrainFlags extends PlanningFlags, CostFlags {
  /** Undefined when not given: quick for a new run, the checkpoint's for a resumed one (as are seed and share). */
  preset?: keyof typeof PRESETS;
  steps?: number;
  out?: string;
  seed?: number;
  resume?: string;
  force?: boolean;
  memory: boolean;
  scriptedShare?: number;
  backend?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train the world model of an agent on reward-free experience in a sim, then its critic and policy for the cost mix')
    .argument('<sim>', 'sim name (see `autonomy list`) or the path of a sim file')
    .addOption(new Option('--preset <preset>', 'training budget (default: quick, or the resumed run\'s)').choices(Object.keys(PRESETS)))
    .option('--steps <n>', 'training steps (overrides the preset)', parsePositiveInt)
    .option('--out <dir>', 'checkpoint folder (default runs/<sim>)')
    .option('--seed <n>', 'seed of the run (default: 0, or the resumed run\'s)', parseSeed)
    .option('--resume <dir>', 'continue the run saved in this folder from its last checkpoint: same preset, seed and settings; --steps may only go forward')
    .option('--force', 'let --out replace a checkpoint of another run (never anything that is not a checkpoint)')
    .option('--scripted-share <f>', 'share of exploration episodes driven by the sim\'s scripted controller plus noise (default: 0, or the resumed run\'s)', parseShare)
    .option('--no-memory', 'leave short-term memory out of the checkpoint (small enough to ship; cannot be resumed)')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (or $AUTONOMY_BACKEND)')
    .option('--json', 'print one JSON object on the last line of stdout');
  // The planning settings become the checkpoint's (distillation plans with them, and Mode-2 starts from them).
  addPlanningOptions(addCostOptions(command))
    .action(async (simName: string, flags: TrainFlags) => {
      const sim = await simArgument(simName);
      const planning = planningOverrides(flags);
      if (flags.resume !== undefined && Object.keys(planning).length > 0) {
        throw new Error(`planning settings (--planner, --horizon, --iterations, --samples, --budget-ms) are fixed by the run being resumed; drop them, or start a new run with --out`);
      }
      const out = flags.out ?? flags.resume ?? path.join('runs', sim.name);
      checkOut(out, flags);
      const run = settings(flags);
      const backend = await initBackend(flags.backend);
      const choice = await costChoice(flags, sim);
      const { extraCosts, warnings } = choice;
      const weights = { ...choice.defaultWeights, ...choice.weights };
      for (const line of warnings) console.error(line);
      if (flags.resume && Object.keys(choice.weights).length > 0) {
        throw new Error(`--resume continues a run with its own cost weights; a weight (--cost FILE=W, --weight) starts a new one (give --out instead of --resume; --cost FILE alone loads a plug-in it was trained with)`);
      }
      const preset = { ...PRESETS[run.presetName], steps: run.steps };
      const bar = process.stderr.isTTY && !flags.json
        ? new cliProgress.SingleBar({ format: `train ${sim.name} {bar} {value}/{total} steps  loss {loss}`, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
      bar?.start(preset.steps, 0, { loss: '-' });
      // Piped (no terminal): a plain progress line at every twentieth of the steps instead of the bar.
      const every = Math.max(1, Math.round(preset.steps / 20));
      const progress = (step: number, loss: number): void => {
        if (bar) bar.update(step, { loss: loss.toFixed(3) });
        else if (step % every === 0 || step === preset.steps) console.error(`train ${sim.name}: step ${step}/${preset.steps}, loss ${loss.toFixed(3)}`);
      };
      if (!bar) console.error(`train ${sim.name}: collecting ${preset.transitions} exploration ticks, then ${preset.steps} world-model steps, probes, critic, distillation`);
      const started = performance.now();
      let result;
      try {
        result = trainRun({
          sim,
          preset,
          presetName: run.presetName,
          seed: run.seed,
          out,
          resume: flags.resume,
          withoutMemory: !flags.memory,
          scriptedShare: run.scriptedShare,
          ...(extraCosts.length > 0 ? { extraCosts } : {}),
          ...(Object.keys(planning).length > 0 || (Object.keys(weights).length > 0 && !flags.resume)
            ? { config: { ...(Object.keys(planning).length > 0 ? { planning } : {}), ...(Object.keys(weights).length > 0 && !flags.resume ? { cost: { weights } } : {}) } }
            : {}),
          onStep: (step, report) => progress(step, report.total),
        });
      } finally {
        bar?.stop();
      }
      const summary = trainSummary(result, { sim: sim.name, preset: run.presetName, backend, out, seconds: (performance.now() - started) / 1000 });
      if (flags.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(`checkpoint: ${out}  (${summary.transitions} transitions, ${summary.steps} steps, ${summary.seconds} s on ${backend})`);
      console.log(`collapse monitors: effective rank ${summary.effectiveRank}, min std ${summary.minStd}`);
      console.log(`linear-probe R²: ${Object.entries(summary.probeR2).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      console.log(
        formatTable(
          ['horizon', 'probed position error (px)', 'copy-last (px)', 'latent error', 'copy-last latent'],
          Object.keys(summary.predError).map((h) => [h, summary.predError[h]!, summary.copyLastError[h]!, summary.latentError[h]!, summary.copyLastLatentError[h]!]),
        ),
      );
      if (summary.blockError) {
        console.log(formatTable(['horizon', 'block position error (px)', 'block angle error (°)'], Object.entries(summary.blockError).map(([h, e]) => [h, e.px!, e.deg!])));
      }
      console.log(`training throughput: ${summary.transitionsPerSecond} transitions/s`);
      console.log(`phases (s): ${Object.entries(summary.phaseSeconds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      console.log(`intrinsic costs (weight u): ${Object.entries(summary.costWeights).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      if (summary.criticLoss !== null) console.log(`critic: TD error ${summary.criticLoss}`);
      if (summary.goalCritic) console.log(`goal critic: mean time to random goals ${summary.goalCritic.distance} ticks, one-tick excess ${summary.goalCritic.excess} (margin 0.05), λ ${summary.goalCritic.lambda}`);
      for (const r of summary.distill) {
        const validation = r.validation === undefined ? '' : `, policy alone on validation ${(100 * r.validation).toFixed(0)} %${r.kept ? ' (best so far, kept)' : ''}`;
        console.log(`distillation round ${r.round}: ${r.round === 0 ? 'planner' : 'policy'} success ${(100 * r.successRate).toFixed(0)} %, ${r.samples} labelled states, policy error ${r.loss}${validation}`);
      }
    });
}

/** The run's settings: the flags' (or the defaults) for a new run; the checkpoint's for --resume, a conflicting flag refused. */
function settings(flags: TrainFlags): { presetName: keyof typeof PRESETS; steps: number; seed: number; scriptedShare: number } {
  if (flags.resume === undefined) {
    const presetName = flags.preset ?? 'quick';
    return { presetName, steps: flags.steps ?? PRESETS[presetName].steps, seed: flags.seed ?? 0, scriptedShare: flags.scriptedShare ?? 0 };
  }
  const training = readTrainingMeta(flags.resume, readCheckpointManifest(flags.resume).meta);
  const presetSteps = Object.fromEntries(Object.entries(PRESETS).map(([name, p]) => [name, p.steps]));
  const plan = planResume(flags.resume, training, { preset: flags.preset, steps: flags.steps, seed: flags.seed, scriptedShare: flags.scriptedShare }, presetSteps);
  return { ...plan, presetName: plan.presetName as keyof typeof PRESETS };
}

/**
 * Refuses, before any work, an --out where a save would destroy something (see checkCheckpointTarget), and the
 * checkpoint of another run unless --force; the run being resumed saves into its own folder freely.
 */
function checkOut(out: string, flags: TrainFlags): void {
  const target = checkCheckpointTarget(out, [METRICS]);
  const resuming = flags.resume !== undefined && path.resolve(flags.resume) === path.resolve(out);
  if (target.kind !== 'checkpoint' || resuming || flags.force) return;
  const meta = target.manifest.meta as { sim?: unknown; training?: { step?: unknown } };
  const about = [meta.sim !== undefined ? `sim ${String(meta.sim)}` : '', meta.training?.step !== undefined ? `step ${String(meta.training.step)}` : ''].filter(Boolean).join(', ');
  throw new Error(`'${out}' already holds a checkpoint${about ? ` (${about})` : ''}; pass --force to replace it, --resume ${out} to continue it, or choose an empty or new folder for --out`);
}
