// The goal critic: a learned, layout-aware time to the goal d = ‖φ(here) − φ(goal)‖ in ticks, trained without rewards (QRL).
import * as tf from '@tensorflow/tfjs';
import type { FeatureLayout } from '../../world/features.ts';
import type { Rng } from '../../world/rng.ts';
import { Mlp } from '../tensor/dense.ts';

/**
 * Where a layout keeps what the critic reads: the agent's position, the goal's offset from it, and the offsets of the
 * scene's landmarks (every other `name.dx`/`name.dy` pair, e.g. two-rooms' door), each [x, y] feature offsets.
 */
export interface GoalGeometry {
  agent: [number, number];
  goal: [number, number];
  landmarks: [number, number][];
}

export function goalGeometry(layout: FeatureLayout): GoalGeometry {
  const at = (name: string): number => {
    const slice = layout.slices.find((s) => s.name === name);
    if (!slice) throw new Error(`the goal critic reads '${name}', which this sim does not observe; known features: ${layout.names.join(', ')}`);
    return slice.offset;
  };
  const landmarks = layout.names
    .filter((n) => n.endsWith('.dx') && n !== 'goal.dx' && layout.has(n.replace(/\.dx$/, '.dy')))
    .map((n): [number, number] => [at(n), at(n.replace(/\.dx$/, '.dy'))]);
  return { agent: [at('agent.x'), at('agent.y')], goal: [at('goal.dx'), at('goal.dy')], landmarks };
}

/** The embedding's input for a place p among landmarks L: [p, L_k (absolute), L_k − p], in observation units. */
export const goalCriticInputs = (landmarks: number): number => 2 + 4 * landmarks;

/** A recorded place: the agent's position and its landmarks' absolute positions, [x, y, L_1x, L_1y, …]. */
export const placeSize = (landmarks: number): number => 2 + 2 * landmarks;

/** Reads the place of one observation (or probe output) laid out by `geometry`'s layout into out[o …]. */
export function placeOf(observation: ArrayLike<number>, geometry: GoalGeometry, out: Float32Array, o: number): void {
  const x = observation[geometry.agent[0]]!;
  const y = observation[geometry.agent[1]]!;
  out[o] = x;
  out[o + 1] = y;
  geometry.landmarks.forEach(([ox, oy], k) => {
    out[o + 2 + 2 * k] = x + observation[ox]!;
    out[o + 3 + 2 * k] = y + observation[oy]!;
  });
}

/** Training rows: one-tick transitions here → next (places), and a goal position [x, y] per row. */
export interface PlaceBatch {
  n: number;
  here: Float32Array;
  next: Float32Array;
  goals: Float32Array;
}

function placeRow(px: number, py: number, marks: ArrayLike<number>, out: Float32Array, o: number): void {
  out[o] = px;
  out[o + 1] = py;
  const K = marks.length / 2;
  for (let k = 0; k < K; k++) {
    const lx = marks[2 * k]!;
    const ly = marks[2 * k + 1]!;
    out[o + 2 + 2 * k] = lx;
    out[o + 3 + 2 * k] = ly;
    out[o + 2 + 2 * K + 2 * k] = lx - px;
    out[o + 3 + 2 * K + 2 * k] = ly - py;
  }
}

/**
 * How far each imagined step's time to the goal falls faster than any real tick can make it fall. d changes by at most
 * one tick per recorded transition, so a faster fall is a move the world model imagined but the world would not allow
 * (typically through a wall).
 * @param d [steps·B] time-major times to the goal of consecutive states @param limit the largest real fall per tick
 * @returns [steps·B] relu(d_{t−1} − d_t − limit), 0 on step 0's rows
 */
export function impossibleProgress(d: tf.Tensor1D, steps: number, limit: number): tf.Tensor1D {
  const batch = d.shape[0] / steps;
  if (!Number.isInteger(batch)) throw new Error(`impossibleProgress: ${d.shape[0]} rows do not stack ${steps} steps`);
  if (steps < 2) return tf.zerosLike(d);
  const byStep = tf.reshape(d, [steps, batch]);
  const fall = tf.sub(tf.slice(byStep, [0, 0], [steps - 1, batch]), tf.slice(byStep, [1, 0], [steps - 1, batch]));
  return tf.reshape(tf.concat([tf.zeros([1, batch]), tf.relu(tf.sub(fall, limit))], 0), [steps * batch]);
}

export interface GoalCriticTraining {
  /** The largest distance the loss still pushes on (ticks): d is pushed up through softplus(scale − d/… ). */
  horizonTicks: number;
  /** Allowed mean squared excess of d over 1 tick per recorded transition (the constraint's margin). */
  margin: number;
  /** Adam step size of log λ, the constraint's multiplier. */
  lambdaLearningRate: number;
}

export const GOAL_CRITIC_TRAINING: GoalCriticTraining = Object.freeze({ horizonTicks: 500, margin: 0.05, lambdaLearningRate: 1e-3 });

/**
 * QRL's value (Wang et al. 2023) in its symmetric form: maximise d between random places subject to d ≤ 1 over every
 * recorded one-tick transition, so d becomes the fewest ticks between them by the moves seen — around walls, through
 * doors. The constraint's multiplier λ is learned by dual ascent.
 */
export class GoalCritic {
  readonly net: Mlp;
  /** log λ and its Adam moments (plain numbers: one scalar, updated beside the network). */
  private logLambda = 0;
  private lambdaMoments = { m: 0, v: 0, t: 0 };
  private readonly geometries = new Map<FeatureLayout, GoalGeometry>();

  constructor(
    readonly landmarks: number,
    hidden: readonly number[],
    embedding: number,
    rng: Rng,
    readonly training: GoalCriticTraining = GOAL_CRITIC_TRAINING,
  ) {
    this.net = new Mlp('cost/goal-critic', [goalCriticInputs(landmarks), ...hidden, embedding], rng, 'elu', 'linear');
  }

  private geometry(layout: FeatureLayout): GoalGeometry {
    let g = this.geometries.get(layout);
    if (!g) {
      g = goalGeometry(layout);
      if (g.landmarks.length !== this.landmarks) {
        throw new Error(`the goal critic was built for ${this.landmarks} landmark(s) but this layout has ${g.landmarks.length}`);
      }
      this.geometries.set(layout, g);
    }
    return g;
  }

  /** λ, the weight of the one-tick constraint. */
  get lambda(): number {
    return Math.exp(this.logLambda);
  }

  /**
   * Time to the goal from each row's own features (agent, goal offset, landmark offsets); differentiable.
   * @param x [B, layout.size] observations or probe outputs @returns [B] ticks
   */
  distance(x: tf.Tensor2D, layout: FeatureLayout): tf.Tensor1D {
    const g = this.geometry(layout);
    const batch = x.shape[0];
    const col = (offset: number): tf.Tensor2D => tf.slice(x, [0, offset], [batch, 1]);
    const here = tf.concat([col(g.agent[0]), col(g.agent[1])], 1);
    const marks = g.landmarks.map(([ox, oy]): tf.Tensor2D => tf.add(here, tf.concat([col(ox), col(oy)], 1)));
    const goal: tf.Tensor2D = tf.add(here, tf.concat([col(g.goal[0]), col(g.goal[1])], 1));
    const place = (p: tf.Tensor2D): tf.Tensor2D => tf.concat([p, ...marks, ...marks.map((m): tf.Tensor2D => tf.sub(m, p))], 1);
    const both = this.net.apply(tf.concat([place(here), place(goal)], 0));
    const [a, b] = tf.split(both, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    return tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(a, b)), 1), 1e-6)) as tf.Tensor1D;
  }

  /**
   * One step on recorded one-tick transitions (here → next) and goals drawn from other records, placed in here's scene.
   * @returns before the step: the mean d to the goals (ticks) and the constraint's mean squared excess over 1 tick
   */
  trainStep(batch: PlaceBatch, optimizer: tf.Optimizer): { distance: number; excess: number } {
    const rows = batch.n;
    const width = goalCriticInputs(this.landmarks);
    const stride = placeSize(this.landmarks);
    const x = new Float32Array(3 * rows * width);
    for (let i = 0; i < rows; i++) {
      const here = batch.here.subarray(i * stride, (i + 1) * stride);
      const next = batch.next.subarray(i * stride, (i + 1) * stride);
      const marks = here.subarray(2);
      placeRow(here[0]!, here[1]!, marks, x, i * width);
      placeRow(next[0]!, next[1]!, next.subarray(2), x, (rows + i) * width);
      placeRow(batch.goals[2 * i]!, batch.goals[2 * i + 1]!, marks, x, (2 * rows + i) * width);
    }
    const { horizonTicks, margin } = this.training;
    const lambda = this.lambda;
    let excess = 0;
    const distance = tf.tidy(() => {
      const input = tf.tensor2d(x, [3 * rows, width]);
      let far = 0;
      optimizer.minimize(
        () => {
          const z = this.net.apply(input);
          const [s, next, goal] = tf.split(z, 3, 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const norm = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D => tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(a, b)), 1), 1e-12)) as tf.Tensor1D;
          const dFar = norm(s, goal);
          const dStep = norm(s, next);
          // Push random pairs apart (saturating past the horizon); keep one-tick transitions within one tick.
          const scale = horizonTicks / 5;
          const push = tf.mean(tf.mul(tf.softplus(tf.sub(5, tf.div(dFar, scale))), scale));
          const over = tf.mean(tf.square(tf.relu(tf.sub(dStep, 1))));
          far = tf.mean(dFar).dataSync()[0]!;
          excess = over.dataSync()[0]!;
          return tf.add(push, tf.mul(over, lambda)) as tf.Scalar;
        },
        false,
        this.net.variables as tf.Variable[],
      );
      return far;
    });
    this.stepLambda(lambda * (margin - excess), this.training.lambdaLearningRate);
    return { distance, excess };
  }

  /** Dual ascent on log λ with Adam: λ grows while the constraint's excess is above the margin. */
  private stepLambda(gradient: number, learningRate: number): void {
    const s = this.lambdaMoments;
    s.t++;
    s.m = 0.9 * s.m + 0.1 * gradient;
    s.v = 0.999 * s.v + 0.001 * gradient * gradient;
    this.logLambda -= (learningRate * (s.m / (1 - 0.9 ** s.t))) / (Math.sqrt(s.v / (1 - 0.999 ** s.t)) + 1e-8);
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  get named(): [string, tf.Variable][] {
    return this.net.named;
  }

  dispose(): void {
    this.net.dispose();
  }
}
