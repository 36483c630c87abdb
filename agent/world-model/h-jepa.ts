// The H-JEPA world model: a level-1 predictor in representation space with a latent z, a coarser level 2, and probe heads.
import * as tf from '@tensorflow/tfjs';
import { FeatureLayout } from '../../world/features.ts';
import type { Rng } from '../../world/rng.ts';
import type { AgentConfig } from '../config.ts';
import { Mlp } from '../tensor/dense.ts';
import { mlpHead, residualMlpStep } from './fast/mlp-step.ts';
import type { PlanningView, RolloutActions, WorldModel } from './world-model.ts';

type WorldModelConfig = AgentConfig['worldModel'];

export interface HJepaOptions {
  /** Size of s (the perception encoder's output). */
  latent: number;
  actionSize: number;
  /** Hidden width of the level-1 predictor. */
  hidden: number;
  /** Size of z; 0 for none. */
  latentVariable: number;
  /** Widths of the VICReg expander. */
  expander: number[];
  probeHidden: number;
  level2: { latent: number; steps: number; hidden: number };
  /** s ends with the probe features themselves (the perception's state slot): the level-1 probe reads them, unlearned. */
  stateSlot?: boolean;
}

/** The H-JEPA an agent config asks for (`worldModel.*`), over the perception encoder's latent. */
export function createWorldModel(layout: FeatureLayout, latent: number, actionSize: number, wm: WorldModelConfig, rng: Rng, stateSlot = false): HJepa {
  return new HJepa(
    layout,
    {
      latent,
      actionSize,
      hidden: wm.hidden,
      latentVariable: wm.latentVariable,
      expander: wm.expander,
      probeHidden: wm.probeHidden,
      level2: { latent: wm.level2Latent, steps: wm.level2Steps, hidden: wm.level2Hidden },
      stateSlot,
    },
    rng,
  );
}

/** The observation features the probe heads decode: every feature except the occupancy grid. */
export function probeLayoutOf(layout: FeatureLayout): FeatureLayout {
  const grid = layout.slices.at(-1);
  if (grid?.name !== 'grid') throw new Error(`the world model expects the 'grid' feature last in the observation; got '${grid?.name}'`);
  return new FeatureLayout(layout.slices.slice(0, -1).map((s) => ({ name: s.name, size: s.size })));
}

export class HJepa implements WorldModel {
  readonly latent: number;
  readonly latentVariable: number;
  readonly actionSize: number;
  readonly probeLayout: FeatureLayout;
  readonly level2: HJepaOptions['level2'];
  /** ŝ' = s + f(s, a, z). */
  readonly predictor: Mlp;
  /** Amortised inference of z from (s, s'), bounded by tanh. */
  readonly zEncoder: Mlp | null;
  /** The VICReg expander h = Exp(s). */
  readonly expander: Mlp;
  /** Inverse dynamics â = g(s, s'). */
  readonly inverse: Mlp;
  /** Probe heads: named state features from s, trained with the encoder's gradient stopped; null when s has a state slot. */
  readonly probeNet: Mlp | null;
  /** Column of s where the state slot (the probe features, in probeLayout order) starts, or null. */
  readonly slotOffset: number | null;
  /** Level 2: s2 = Enc2(s). */
  readonly encoder2: Mlp;
  /** Level 2: ŝ2' = s2 + f2(s2, u), u the `steps` actions flattened. */
  readonly predictor2: Mlp;
  /** Level-2 probe heads: the same named features from s2, so costs can price coarse plans. */
  readonly probe2Net: Mlp;

  constructor(layout: FeatureLayout, options: HJepaOptions, rng: Rng) {
    const { latent, actionSize, hidden, latentVariable, level2 } = options;
    this.latent = latent;
    this.latentVariable = latentVariable;
    this.actionSize = actionSize;
    this.level2 = level2;
    this.probeLayout = probeLayoutOf(layout);
    this.predictor = new Mlp('world-model/predictor', [latent + actionSize + latentVariable, hidden, hidden, latent], rng, 'relu', 'linear', 0.1);
    this.zEncoder = latentVariable > 0 ? new Mlp('world-model/z-encoder', [2 * latent, 32, latentVariable], rng, 'relu', 'tanh') : null;
    this.expander = new Mlp('world-model/expander', [latent, ...options.expander], rng, 'relu', 'linear');
    this.inverse = new Mlp('world-model/inverse', [2 * latent, 64, actionSize], rng, 'relu', 'tanh');
    this.slotOffset = options.stateSlot ? latent - this.probeLayout.size : null;
    if (this.slotOffset !== null && this.slotOffset < 0) throw new Error(`a state slot needs s (${latent}) to hold the ${this.probeLayout.size} probe features`);
    this.probeNet = options.stateSlot ? null : new Mlp('world-model/probe', [latent, options.probeHidden, this.probeLayout.size], rng, 'relu', 'linear');
    this.encoder2 = new Mlp('world-model/encoder2', [latent, level2.hidden, level2.latent], rng, 'relu', 'linear');
    this.predictor2 = new Mlp('world-model/predictor2', [level2.latent + level2.steps * actionSize, level2.hidden, level2.latent], rng, 'relu', 'linear', 0.1);
    this.probe2Net = new Mlp('world-model/probe2', [level2.latent, options.probeHidden, this.probeLayout.size], rng, 'relu', 'linear');
  }

  /** @param s [B, latent] @param a [B, A] @param z [B, Z] (zeros when omitted) @returns ŝ [B, latent] */
  next(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D {
    const parts: tf.Tensor2D[] = [s, a];
    if (this.latentVariable > 0) parts.push(z ?? tf.zeros([s.shape[0], this.latentVariable]));
    return tf.add(s, this.predictor.apply(tf.concat(parts, 1)));
  }

  /** Inference-only next at z = 0, with fused kernels. */
  nextInfer(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    const parts: tf.Tensor2D[] = [s, a];
    if (this.latentVariable > 0) parts.push(tf.zeros([s.shape[0], this.latentVariable]));
    return tf.add(s, this.predictor.infer(tf.concat(parts, 1)));
  }

  /** @param s [B, latent] @param sNext [B, latent] @returns z [B, Z] in (-1, 1) */
  inferZ(s: tf.Tensor2D, sNext: tf.Tensor2D): tf.Tensor2D {
    if (!this.zEncoder) throw new Error('this world model has no latent variable z');
    return this.zEncoder.apply(tf.concat([s, sNext], 1));
  }

  /** @returns [B, probeLayout.size] */
  probe(s: tf.Tensor2D): tf.Tensor2D {
    return this.probeNet ? this.probeNet.apply(s) : this.readSlot(s);
  }

  /** Inference-only probe with fused kernels. */
  probeInfer(s: tf.Tensor2D): tf.Tensor2D {
    return this.probeNet ? this.probeNet.infer(s) : this.readSlot(s);
  }

  private readSlot(s: tf.Tensor2D): tf.Tensor2D {
    return tf.slice(s, [0, this.slotOffset!], [s.shape[0], this.probeLayout.size]);
  }

  encode2(s: tf.Tensor2D): tf.Tensor2D {
    return this.encoder2.apply(s);
  }

  next2(s2: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
    return tf.add(s2, this.predictor2.apply(tf.concat([s2, u], 1)));
  }

  /** @param s2 [B, latent2] @returns [B, probeLayout.size] */
  probe2(s2: tf.Tensor2D): tf.Tensor2D {
    return this.probe2Net.apply(s2);
  }

  rollout(s0: tf.Tensor2D, actions: RolloutActions, H: number): { states: tf.Tensor2D; actions: tf.Tensor2D } {
    return tf.tidy(() => {
      const fixed = typeof actions === 'function' ? null : H > 1 ? (tf.split(actions, H, 1) as tf.Tensor2D[]) : [actions];
      const states: tf.Tensor2D[] = [];
      const taken: tf.Tensor2D[] = [];
      let s = s0;
      for (let t = 0; t < H; t++) {
        const a = fixed ? fixed[t]! : (actions as (s: tf.Tensor2D) => tf.Tensor2D)(s);
        taken.push(a);
        s = this.nextInfer(s, a);
        states.push(s);
      }
      return { states: tf.concat(states, 0), actions: tf.concat(taken, 1) };
    });
  }

  /**
   * The predictor as one rollout op (`unroll`) and single steps, the probe heads and Enc2 as one op each (see fast/).
   * @param withLevel2 also compile Enc2 (for a level-2 subgoal)
   */
  planningView(withLevel2 = false): PlanningView {
    const step = residualMlpStep(this.predictor, this.latent, this.actionSize);
    const probe = this.probeNet ? mlpHead(this.probeNet) : { apply: (s: tf.Tensor2D) => this.readSlot(s), dispose: () => undefined };
    const encode2 = withLevel2 ? mlpHead(this.encoder2) : null;
    return {
      unroll: step.unrollFrom,
      probe,
      encode2,
      dispose: () => {
        step.dispose();
        probe.dispose();
        encode2?.dispose();
      },
    };
  }

  private get nets(): Mlp[] {
    return [this.predictor, ...(this.zEncoder ? [this.zEncoder] : []), this.expander, this.inverse, ...(this.probeNet ? [this.probeNet] : []), this.encoder2, this.predictor2, this.probe2Net];
  }

  get variables(): tf.Variable[] {
    return this.nets.flatMap((n) => n.variables);
  }

  get named(): [string, tf.Variable][] {
    return this.nets.flatMap((n) => n.named);
  }

  dispose(): void {
    for (const n of this.nets) n.dispose();
  }
}
