// Compiles Mode-2 into Mode-1 (amortised inference): the policy learns the planner's actions on the states it visits, DAgger-style.
import * as tf from '@tensorflow/tfjs';
import { ACTION_SIZE, Env } from '../../world/env.ts';
import { runEpisodes } from '../../world/episodes.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { SimDefinition } from '../../world/sim.ts';
import type { Agent } from '../agent.ts';

export interface DistillOptions {
  rounds: number;
  /** Episodes run per round. */
  episodes: number;
  /** Policy regression steps per round, on everything gathered so far. */
  steps: number;
  batch: number;
  seed: number;
  learningRate?: number;
  /**
   * Policy-only episodes (on seeds no round uses) that score the policy after every round's training; the best-scoring
   * round's policy is kept, as DAgger returns its best policy on validation. 0 keeps the last round's policy.
   */
  validationEpisodes?: number;
}

export interface DistillRound {
  round: number;
  /** Success of the episodes run this round (by the planner in round 0, by the policy after). */
  successRate: number;
  /** Labelled states gathered so far. */
  samples: number;
  /** Mean squared error between policy and planner actions after the round's training. */
  loss: number;
  /** Success of the policy alone on the validation episodes after this round's training (with validation on). */
  validation?: number;
  /** Whether this round's policy is the one kept (the best validation so far). */
  kept?: boolean;
}

/** Success rate and mean steps of the policy alone (Mode-1) on `episodes` episodes from `seed` on. */
export function validatePolicy(agent: Agent, sim: SimDefinition, seed: number, episodes: number): { success: number; steps: number } {
  const run = runEpisodes({
    sim,
    episodes,
    seed,
    policy: () => ({
      act: (observations) => [agent.actor.policy.act(agent.perception.encode(agent.configurator.perceive(observations[0]!, agent.settings)))],
    }),
  });
  return { success: run.successRate, steps: run.meanSteps };
}

/**
 * Round 0 runs the planner; later rounds run the policy while the planner labels every visited state (DAgger), so the
 * policy learns to recover from its own mistakes. The policy then warm-starts the planner (the compiled loop).
 */
export function distillPolicy(agent: Agent, sim: SimDefinition, options: DistillOptions, onRound?: (r: DistillRound) => void): DistillRound[] {
  const planner = agent.planner;
  if (!planner) throw new Error('distillation needs a planner: the agent has no world model');
  const obsSize = new Env(sim).observationLayout.size;
  const inputs: Float32Array[] = [];
  const labels: Float32Array[] = [];
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const rng = new Rng(deriveSeed(options.seed, 'distill-batches'));
  const settings = { ...agent.settings, mode: 'mode2' as const };
  const rounds: DistillRound[] = [];
  const validationEpisodes = options.validationEpisodes ?? 0;
  let best: { success: number; steps: number; weights: tf.Tensor[] } | null = null;
  for (let round = 0; round < options.rounds; round++) {
    // Step 1. Gather: act (planner first, then policy), label every visited state with the planner's action.
    const gathered = runEpisodes({
      sim,
      episodes: options.episodes,
      seed: deriveSeed(options.seed, 'distill-round', round),
      policy: ({ seed }) => {
        agent.beginEpisode(seed);
        return {
          act: (observations) => {
            const perceived = agent.configurator.perceive(observations[0]!, settings);
            const s = agent.perception.encode(perceived);
            const target = planner.plan(s, settings).action;
            inputs.push(perceived);
            labels.push(target);
            return [round === 0 ? target : agent.actor.policy.act(s)];
          },
          end: () => agent.endEpisode(),
        };
      },
    });
    const successes = gathered.episodes.filter((e) => e.success).length;
    // Step 2. Regress the policy on the aggregate, the encoder frozen (its states are computed outside the loss).
    const n = inputs.length;
    const x = new Float32Array(n * obsSize);
    const y = new Float32Array(n * ACTION_SIZE);
    inputs.forEach((o, i) => x.set(o, i * obsSize));
    labels.forEach((a, i) => y.set(a, i * ACTION_SIZE));
    const d = agent.perception.latent;
    const states = agent.perception.encodeRows(x, n);
    const rows = Math.min(options.batch, n);
    const sb = new Float32Array(rows * d);
    const ab = new Float32Array(rows * ACTION_SIZE);
    let loss = Number.NaN;
    for (let step = 0; step < options.steps; step++) {
      for (let i = 0; i < rows; i++) {
        const r = rng.int(n);
        sb.set(states.subarray(r * d, (r + 1) * d), i * d);
        ab.set(y.subarray(r * ACTION_SIZE, (r + 1) * ACTION_SIZE), i * ACTION_SIZE);
      }
      loss = tf.tidy(() => {
        const s = tf.tensor2d(sb, [rows, d]);
        const a = tf.tensor2d(ab, [rows, ACTION_SIZE]);
        return optimizer.minimize(() => tf.mean(tf.square(tf.sub(agent.actor.policy.actBatch(s), a))) as tf.Scalar, true, agent.actor.policy.variables)!.dataSync()[0]!;
      });
    }
    const result: DistillRound = { round, successRate: successes / options.episodes, samples: n, loss };
    // Step 3. Validate the policy alone; keep a copy of the best one (higher success, then fewer steps).
    if (validationEpisodes > 0) {
      const score = validatePolicy(agent, sim, deriveSeed(options.seed, 'distill-validation'), validationEpisodes);
      result.validation = score.success;
      result.kept = !best || score.success > best.success || (score.success === best.success && score.steps < best.steps);
      if (result.kept) {
        tf.dispose(best?.weights ?? []);
        best = { ...score, weights: agent.actor.policy.variables.map((v) => tf.clone(v)) };
      }
    }
    rounds.push(result);
    onRound?.(result);
  }
  if (best) {
    agent.actor.policy.variables.forEach((v, i) => v.assign(best!.weights[i]!));
    tf.dispose(best.weights);
  }
  optimizer.dispose();
  return rounds;
}
