// Trains the goal critic on reward-free exploration: the places the agent passes through and the one-tick moves between them.
import * as tf from '@tensorflow/tfjs';
import { type GoalCritic, goalGeometry, type PlaceBatch, placeOf, placeSize } from '../cost/index.ts';
import { Env } from '../../world/env.ts';
import { momentumPolicy } from '../../world/exploration.ts';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { SimDefinition } from '../../world/sim.ts';
import { collectExperience } from './experience.ts';

export interface GoalCriticFitOptions {
  /** Exploration ticks recorded as places. */
  ticks: number;
  steps: number;
  batch: number;
  /** The phase's base seed ('goal-critic' of the run's seed). */
  seed: number;
  learningRate?: number;
}

export interface GoalCriticFitResult {
  /** Mean time to random goals (ticks) over the last 10 % of steps. */
  distance: number;
  /** Mean squared excess of a one-tick move over 1 tick, over the last 10 % of steps (the margin is 0.05). */
  excess: number;
  lambda: number;
}

/** Places recorded tick by tick, with the episode of each, so one-tick transitions never span two episodes. */
export class PlaceRecord {
  readonly places: Float32Array;
  private readonly episodes: Int32Array;
  private episode = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly landmarks: number,
  ) {
    this.places = new Float32Array(capacity * placeSize(landmarks));
    this.episodes = new Int32Array(capacity);
  }

  beginEpisode(): void {
    this.episode++;
  }

  record(place: (out: Float32Array, offset: number) => void): void {
    if (this.size >= this.capacity) return;
    place(this.places, this.size * placeSize(this.landmarks));
    this.episodes[this.size++] = this.episode;
  }

  /** Rows i whose next record is the next tick of the same episode. */
  transitions(): Int32Array {
    const out: number[] = [];
    for (let i = 0; i + 1 < this.size; i++) if (this.episodes[i] === this.episodes[i + 1]) out.push(i);
    return Int32Array.from(out);
  }

  /** n transitions and n goals (the positions of other records), drawn with `rng`. */
  sample(transitions: Int32Array, n: number, rng: Rng): PlaceBatch {
    const stride = placeSize(this.landmarks);
    const batch: PlaceBatch = { n, here: new Float32Array(n * stride), next: new Float32Array(n * stride), goals: new Float32Array(2 * n) };
    for (let i = 0; i < n; i++) {
      const t = transitions[rng.int(transitions.length)]!;
      batch.here.set(this.places.subarray(t * stride, (t + 1) * stride), i * stride);
      batch.next.set(this.places.subarray((t + 1) * stride, (t + 2) * stride), i * stride);
      const g = rng.int(this.size);
      batch.goals[2 * i] = this.places[g * stride]!;
      batch.goals[2 * i + 1] = this.places[g * stride + 1]!;
    }
    return batch;
  }
}

/** Collects momentum exploration as places, then trains the critic for `steps` minibatches. */
export function fitGoalCritic(critic: GoalCritic, sim: SimDefinition, options: GoalCriticFitOptions): GoalCriticFitResult {
  const geometry = goalGeometry(new Env(sim).observationLayout);
  // Step 1. Reward-free exploration, kept as places only (a few numbers a tick).
  const record = new PlaceRecord(options.ticks, geometry.landmarks.length);
  collectExperience(
    { beginEpisode: () => record.beginEpisode(), observe: (observation) => record.record((out, o) => placeOf(observation, geometry, out, o)), endEpisode: () => {} },
    sim,
    options.ticks,
    deriveSeed(options.seed, 'exploration'),
    momentumPolicy(),
  );
  const transitions = record.transitions();
  if (transitions.length === 0) throw new Error(`the goal critic needs one-tick transitions, but ${options.ticks} exploration ticks of '${sim.name}' gave none`);
  // Step 2. Minibatch steps.
  const rng = new Rng(deriveSeed(options.seed, 'goal-critic-batches'));
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const tail = Math.max(1, Math.floor(options.steps / 10));
  let distance = 0;
  let excess = 0;
  for (let step = 0; step < options.steps; step++) {
    const r = critic.trainStep(record.sample(transitions, options.batch, rng), optimizer);
    if (step >= options.steps - tail) {
      distance += r.distance / tail;
      excess += r.excess / tail;
    }
  }
  optimizer.dispose();
  return { distance, excess, lambda: critic.lambda };
}
