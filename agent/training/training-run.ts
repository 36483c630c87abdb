// A whole world-model training run: collect reward-free experience, train, monitor, checkpoint, and measure the evidence.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { Agent } from '../agent.ts';
import { loadAgentCheckpoint, saveAgent } from '../agent-checkpoint.ts';
import type { AgentConfigInput } from '../config.ts';
import { Env } from '../../world/env.ts';
import { mixedExploration } from '../../world/exploration.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { IntrinsicCost, SimWithCosts } from '../cost/index.ts';
import { DEFAULT_LOSS_WEIGHTS, evaluateWorldModel, type LossReport, type LossWeights, type WorldModelEvidence, WorldModelTrainer } from '../world-model/index.ts';
import { distillPolicy, type DistillRound } from './distill.ts';
import { collectExperience, memorySink } from './experience.ts';
import { fitGoalCritic, type GoalCriticFitResult } from './goal-critic-fit.ts';
import { fitProbes } from './probe-fit.ts';
import { readTrainingMeta, type TrainingMeta } from './resume.ts';
import { adamState, restoreAdamState } from '../tensor/adam-state.ts';

export interface Preset {
  /** Exploration ticks collected into short-term memory. */
  transitions: number;
  steps: number;
  /** Sub-sequences per training step. */
  batch: number;
  /** Ticks per sub-sequence (L + 1). */
  sequence: number;
  /** Held-out ticks for the evidence. */
  evalTransitions: number;
  /** Probe-head refit on the final representation (steps of batch 512). */
  probeSteps: number;
  /** Critic TD steps on short-term memory. */
  criticSteps: number;
  /** The goal critic (when the agent has one): exploration ticks recorded as places, minibatch steps, batch size. */
  goalCritic: { ticks: number; steps: number; batch: number };
  /** Mode-2 → Mode-1 compilation (DAgger rounds); 0 rounds skips it. */
  distill: { rounds: number; episodes: number; steps: number; batch: number; validationEpisodes?: number };
}

export const PRESETS: Readonly<Record<'smoke' | 'quick' | 'full', Preset>> = Object.freeze({
  /** Seconds, not minutes: checks that a sim or a cost trains end to end; the agent it makes is not a useful one. */
  smoke: {
    transitions: 2_000,
    steps: 50,
    batch: 32,
    sequence: 9,
    evalTransitions: 500,
    probeSteps: 50,
    criticSteps: 20,
    goalCritic: { ticks: 2_000, steps: 50, batch: 64 },
    distill: { rounds: 1, episodes: 1, steps: 20, batch: 64, validationEpisodes: 1 },
  },
  quick: {
    transitions: 20_000,
    steps: 2_000,
    batch: 128,
    sequence: 9,
    evalTransitions: 10_000,
    probeSteps: 1_500,
    criticSteps: 500,
    goalCritic: { ticks: 50_000, steps: 2_000, batch: 256 },
    distill: { rounds: 5, episodes: 6, steps: 1_000, batch: 256, validationEpisodes: 20 },
  },
  full: {
    transitions: 100_000,
    steps: 10_000,
    batch: 256,
    sequence: 9,
    evalTransitions: 10_000,
    probeSteps: 5_000,
    criticSteps: 2_000,
    goalCritic: { ticks: 300_000, steps: 15_000, batch: 256 },
    distill: { rounds: 8, episodes: 12, steps: 1_500, batch: 256, validationEpisodes: 30 },
  },
});

export interface TrainRunOptions {
  sim: SimWithCosts;
  preset: Preset;
  presetName: string;
  seed: number;
  /** Checkpoint folder; none is written when omitted (ablations). */
  out?: string;
  /**
   * Continue from this checkpoint folder's last saved step: the same run, with its seed, exploration mix, loss weights
   * (unless `weights` is given), Adam moments and minibatch stream, so it ends as the uninterrupted run would have.
   */
  resume?: string;
  /** Leave short-term memory out of the checkpoint (a small shippable file; it cannot be resumed). */
  withoutMemory?: boolean;
  weights?: Readonly<LossWeights>;
  config?: AgentConfigInput;
  /** Intrinsic-cost plug-ins, weighed by `config.cost.weights`: the critic and the distilled policy learn the mix. */
  extraCosts?: readonly IntrinsicCost[];
  checkpointEvery?: number;
  /** Share of exploration episodes driven by the sim's scripted controller plus noise (default 0: momentum only). */
  scriptedShare?: number;
  onStep?: (step: number, report: LossReport) => void;
}

export interface TrainRunResult {
  out: string | null;
  transitions: number;
  steps: number;
  evidence: WorldModelEvidence;
  /** Training throughput: ticks in the sampled sub-sequences per second of training. */
  transitionsPerSecond: number;
  /** Mean squared probe error after the refit. */
  probeLoss: number | null;
  /** Mean squared TD error of the critic's last step. */
  criticLoss: number | null;
  /** The goal critic's last steps (null when the agent has none). */
  goalCritic: GoalCriticFitResult | null;
  distill: DistillRound[];
  /** Wall-clock seconds of each phase: collect, worldModel, probes, critic, goalCritic, distill, evaluate. */
  phaseSeconds: Record<string, number>;
  agent: Agent;
}

export const METRICS = 'metrics.jsonl';
/** A loss above this after the first steps is treated as diverged. */
const EXPLODED = 1e6;

export function trainRun(options: TrainRunOptions): TrainRunResult {
  const { sim, preset, seed } = options;
  const layout = new Env(sim).observationLayout;
  // A sim that needs exact poses asks for the state slot and its loss weight.
  let weights: Readonly<LossWeights> = sim.stateSlot ? { state: sim.stateSlot.weight, ...(options.weights ?? DEFAULT_LOSS_WEIGHTS) } : (options.weights ?? DEFAULT_LOSS_WEIGHTS);
  let agent: Agent;
  let resumed: { training: TrainingMeta; tensors: Map<string, { shape: number[]; values: Float32Array }> } | null = null;
  let startStep = 0;
  /** The exploration mix of the short-term memory being trained on (a resumed run keeps its checkpoint's). */
  let scriptedShare = options.scriptedShare ?? 0;
  let metrics: string[] = [];

  const phaseSeconds: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phaseSeconds[name] = Math.round((now - phaseStart) / 100) / 10;
    phaseStart = now;
  };

  // Step 1. A fresh agent filled with exploration, or the agent (and memory) of the checkpoint being resumed.
  if (options.resume) {
    const loaded = loadAgentCheckpoint(options.resume, { layout, suggestedCosts: sim.suggestedCosts, simCosts: sim.costs, extraCosts: options.extraCosts }, sim.name);
    agent = loaded.agent;
    const training = readTrainingMeta(options.resume, loaded.meta);
    if (agent.memory.size === 0) throw new Error(`'${options.resume}' was saved without short-term memory (--no-memory), so it cannot be resumed`);
    if (seed !== training.seed) throw new Error(`'${options.resume}' was trained with seed ${training.seed}, not ${seed}; a resumed run keeps its seed`);
    if (preset.steps < training.step) throw new Error(`'${options.resume}' is at step ${training.step}; a resumed run only goes forward, not to step ${preset.steps}`);
    resumed = { training, tensors: loaded.tensors };
    startStep = training.step;
    scriptedShare = training.scriptedShare ?? 0;
    weights = options.weights ?? training.weights;
    const log = path.join(options.resume, METRICS);
    if (fs.existsSync(log)) metrics = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } else {
    agent = new Agent({
      layout,
      suggestedCosts: sim.suggestedCosts,
      simCosts: sim.costs,
      extraCosts: options.extraCosts,
      config: {
        ...options.config,
        seed,
        ...(sim.stateSlot ? { perception: { ...options.config?.perception, stateSlot: true } } : {}),
        worldModel: { ...options.config?.worldModel, enabled: true },
        memory: { capacity: preset.transitions },
        // A sim whose layout needs more than a straight line asks for the goal critic and its planning weight.
        ...(sim.goalCritic ? { cost: { ...options.config?.cost, goalCritic: { enabled: true, weight: sim.goalCritic.weight, ...options.config?.cost?.goalCritic } } } : {}),
      },
    });
    collectExperience(agent, sim, preset.transitions, deriveSeed(seed, 'exploration'), mixedExploration(scriptedShare));
  }
  const held = memorySink(layout, preset.evalTransitions);
  collectExperience(held, sim, preset.evalTransitions, deriveSeed(seed, 'held-out'));

  phase('collect');

  // Step 2. Train, logging every loss term, checkpointing atomically, stopping on NaN or divergence.
  const model = agent.hjepa;
  const trainer = new WorldModelTrainer(agent.perception, model, weights);
  const names = new Map(agent.namedVariables().map(([name, variable]) => [variable, name]));
  const trained = trainer.variables.map((v) => [names.get(v) ?? v.name, v] as const);
  // A resumed run continues Adam's moments and the minibatch stream where the checkpoint left them; a checkpoint
  // written before they were saved restarts both (from the stream of its step), and says so.
  let rng = new Rng(deriveSeed(seed, 'world-model-batches', startStep));
  if (resumed) {
    const restored = restoreAdamState(trainer.optimizer, trained, resumed.tensors, options.resume!);
    if (resumed.training.batchRng) rng = Rng.fromState(resumed.training.batchRng);
    if (!restored || !resumed.training.batchRng) {
      console.error(`autonomy: '${options.resume}' predates saved optimiser state: Adam's moments and the minibatch stream restart at step ${startStep}`);
    }
  }
  const positionScale = new Env(sim).positionScale;
  const save = (step: number, finished: boolean): void => {
    if (!options.out) return;
    const withoutMemory = options.withoutMemory ?? false;
    const training: TrainingMeta = { step, preset: options.presetName, seed, weights: { ...weights }, scriptedShare, steps: preset.steps, finished, batchRng: rng.state() };
    // A checkpoint that can be resumed (it has its memory) carries Adam's state too.
    const tensors = withoutMemory ? [] : adamState(trainer.optimizer, trained);
    saveAgent(options.out, agent, sim.name, { meta: { training }, files: { [METRICS]: metrics.join('\n') + '\n' }, withoutMemory, tensors });
  };
  let lastSaved = startStep;
  let trainMs = 0;
  const every = options.checkpointEvery ?? 500;
  for (let step = startStep; step < preset.steps; step++) {
    const batch = agent.memory.sample(preset.sequence, preset.batch, rng);
    const started = performance.now();
    const report = trainer.step(batch, rng);
    trainMs += performance.now() - started;
    if (!Number.isFinite(report.total) || (step > 50 && report.total > EXPLODED)) {
      trainer.dispose();
      const where = options.out && lastSaved > 0 ? `; the last good checkpoint (step ${lastSaved}) is intact in '${options.out}'` : '';
      throw new Error(`training stopped at step ${step + 1}: the loss is ${report.total} (${Object.entries(report).map(([k, v]) => `${k}=${v}`).join(', ')})${where}`);
    }
    options.onStep?.(step + 1, report);
    if ((step + 1) % 50 === 0 || step + 1 === preset.steps) metrics.push(JSON.stringify({ step: step + 1, ...report }));
    if ((step + 1) % every === 0 && step + 1 < preset.steps) {
      const ev = evaluateWorldModel(agent.perception, model, held.memory, layout, positionScale, new Rng(deriveSeed(seed, 'world-model-evidence')), 128);
      metrics.push(JSON.stringify({ step: step + 1, effectiveRank: ev.effectiveRank, minStd: ev.minStd, probeR2: ev.probeR2, predError: ev.predError, ...(ev.blockError ? { blockError: ev.blockError } : {}) }));
      save(step + 1, false);
      lastSaved = step + 1;
    }
  }

  phase('worldModel');

  // Step 3. Probe heads refitted on the final representation (which they never shape).
  const probeLoss = preset.probeSteps > 0 ? fitProbes(agent.perception, model, agent.memory, preset.probeSteps, 512, new Rng(deriveSeed(seed, 'probe-fit'))) : null;

  phase('probes');

  // Step 4. The critic: n-step TD on short-term memory, with the sim's cost weights.
  let criticLoss: number | null = null;
  if (preset.criticSteps > 0) {
    const optimizer = tf.train.adam(1e-3);
    const { discount, tdSteps } = agent.config.cost;
    const criticRng = new Rng(deriveSeed(seed, 'critic'));
    const encode = (x: tf.Tensor2D): tf.Tensor2D => agent.perception.inferBatch(x);
    for (let i = 0; i < preset.criticSteps; i++) {
      criticLoss = agent.critic.trainStep(agent.memory.sample(tdSteps + 1, 128, criticRng), encode, agent.cost.names, agent.settings.weights, discount, optimizer);
    }
    optimizer.dispose();
    metrics.push(JSON.stringify({ phase: 'critic', steps: preset.criticSteps, loss: criticLoss }));
  }

  phase('critic');

  // Step 5. The goal critic: a time to the goal that knows the layout, from its own reward-free exploration.
  const goalCritic = agent.goalCritic && preset.goalCritic.steps > 0 ? fitGoalCritic(agent.goalCritic, sim, { ...preset.goalCritic, seed: deriveSeed(seed, 'goal-critic') }) : null;
  if (goalCritic) metrics.push(JSON.stringify({ phase: 'goal-critic', steps: preset.goalCritic.steps, ...goalCritic }));

  phase('goalCritic');

  // Step 6. Mode-2 compiled into Mode-1: the policy learns the planner's actions on the states it visits.
  const distill = preset.distill.rounds > 0 ? distillPolicy(agent, sim, { ...preset.distill, seed: deriveSeed(seed, 'distill') }) : [];
  for (const round of distill) metrics.push(JSON.stringify({ phase: 'distill', ...round }));

  phase('distill');

  // Step 7. The evidence on held-out episodes, then the final checkpoint.
  const evidence = evaluateWorldModel(agent.perception, model, held.memory, layout, positionScale, new Rng(deriveSeed(seed, 'world-model-evidence')));
  metrics.push(JSON.stringify({ step: preset.steps, final: true, ...evidence }));
  try {
    save(preset.steps, true);
  } finally {
    trainer.dispose();
  }
  const stepsTrained = preset.steps - startStep;
  phase('evaluate');
  return {
    phaseSeconds,
    out: options.out ?? null,
    transitions: agent.memory.totalWritten,
    steps: preset.steps,
    evidence,
    transitionsPerSecond: stepsTrained > 0 ? (stepsTrained * preset.batch * preset.sequence) / (trainMs / 1000) : 0,
    probeLoss,
    criticLoss,
    goalCritic,
    distill,
    agent,
  };
}

/** The ablation variants: full VICReg, then each anti-collapse term removed, then prediction alone. */
export const ABLATIONS: Readonly<Record<string, Partial<LossWeights>>> = Object.freeze({
  'full VICReg': {},
  'no variance': { variance: 0 },
  'no covariance': { covariance: 0 },
  'prediction only': { variance: 0, covariance: 0, inverse: 0, smoothness: 0 },
});
