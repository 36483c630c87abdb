// One agent's Mode-1 tick for N worlds at once: perception, policy and cost metering in one pass, memory in episode order.
import * as tf from '@tensorflow/tfjs';
import { ACTION_SIZE } from '../world/env.ts';
import type { Agent } from './agent.ts';

/** One world's episode so far: the rows `Agent.tick` would have written to memory, kept until it is its turn. */
interface Lane {
  episode: number;
  seed: number;
  rows: number;
  perceived: Float32Array;
  states: Float32Array;
  actions: Float32Array;
  costs: Float32Array;
}

export interface BatchTick {
  /** @shape [N, 2] in [-1, 1] */
  actions: Float32Array;
  /** Each world's intrinsic costs, unweighted, in `agent.cost.names` order. @shape [N, costs] */
  costs: Float32Array;
}

/**
 * Drives one Agent in N worlds with one batched Mode-1 pass per tick: s = Enc(x) for the N observations, a = A(s) and
 * each IC_i(x, a) run as one graph and come back in one read. The actions and memory are those of N single agents
 * (rows do not mix in a dense layer, and each row's arithmetic is the same at any batch size): each world's ticks wait
 * in its lane and reach memory as whole episodes in episode order, so memory holds what one agent running the
 * episodes one after another would hold. Mode-2 and auto plan one world at a time and are refused here.
 */
export class AgentBatch {
  private readonly lanes: (Lane | null)[];
  /** Ended episodes waiting for an earlier one, by episode. */
  private readonly ended = new Map<number, Lane>();
  private nextEpisode: number | null = null;
  private readonly size: number;
  private readonly latent: number;
  private readonly k: number;

  constructor(
    readonly agent: Agent,
    readonly worlds: number,
  ) {
    if (!Number.isInteger(worlds) || worlds < 1) throw new RangeError(`AgentBatch needs a whole number of worlds ≥ 1; got ${worlds}`);
    this.lanes = new Array<Lane | null>(worlds).fill(null);
    this.size = agent.options.layout.size;
    this.latent = agent.perception.latent;
    this.k = agent.cost.names.length;
  }

  /** World `world` starts episode `episode` (episodes start in increasing order) on `seed`. */
  begin(world: number, episode: number, seed: number): void {
    if (this.lanes[world]) throw new Error(`AgentBatch.begin: world ${world} is still in episode ${this.lanes[world]!.episode}; end it first`);
    this.nextEpisode ??= episode;
    this.lanes[world] = { episode, seed, rows: 0, perceived: new Float32Array(0), states: new Float32Array(0), actions: new Float32Array(0), costs: new Float32Array(0) };
  }

  /**
   * One Mode-1 tick for every world. @param observations [N, observationSize] @param active worlds whose rows count
   * (the others are computed, not recorded) @returns the actions and costs of every row
   */
  tick(observations: Float32Array, active: readonly boolean[]): BatchTick {
    const { agent, worlds, size, latent, k } = this;
    const settings = agent.settings;
    if (settings.mode !== 'mode1') throw new Error(`a batched agent ticks in Mode-1 only; this agent is in ${settings.mode} (run it one world at a time)`);
    if (observations.length !== worlds * size) throw new RangeError(`AgentBatch.tick got ${observations.length} values; expected ${worlds} worlds × ${size}`);
    const started = performance.now();
    let perceived = observations;
    if (settings.goal) {
      perceived = new Float32Array(observations.length);
      for (let w = 0; w < worlds; w++) perceived.set(agent.configurator.perceive(observations.subarray(w * size, (w + 1) * size), settings), w * size);
    }
    const width = latent + ACTION_SIZE + k;
    const out = tf.tidy(() => {
      const x = tf.tensor2d(perceived, [worlds, size]);
      const s = agent.perception.inferBatch(x);
      const a = agent.actor.policy.net.infer(s);
      const terms = agent.cost.terms(x, a, agent.options.layout);
      const parts = [s, a, ...(k > 0 ? [tf.stack(terms, 1) as tf.Tensor2D] : [])];
      return tf.concat(parts, 1).dataSync() as Float32Array;
    });
    const decided = performance.now() - started;
    const actions = new Float32Array(worlds * ACTION_SIZE);
    const costs = new Float32Array(worlds * k);
    let rows = 0;
    for (let w = 0; w < worlds; w++) {
      const row = out.subarray(w * width, (w + 1) * width);
      actions.set(row.subarray(latent, latent + ACTION_SIZE), w * ACTION_SIZE);
      costs.set(row.subarray(latent + ACTION_SIZE), w * k);
      if (!active[w]) continue;
      for (let j = 0; j < k; j++) {
        if (!Number.isFinite(row[latent + ACTION_SIZE + j]!)) throw new Error(`intrinsic cost '${agent.cost.names[j]}' returned ${row[latent + ACTION_SIZE + j]}; costs must be finite`);
      }
      const lane = this.lanes[w];
      if (!lane) throw new Error(`AgentBatch.tick: world ${w} is active but has no episode; call begin(${w}, …) first`);
      this.push(lane, perceived.subarray(w * size, (w + 1) * size), row);
      rows++;
    }
    // One decision per world: the batch's time shared among the worlds it decided for.
    for (let r = 0; r < rows; r++) agent.decisionMs.push(decided / rows);
    agent.modeCounts.mode1 += rows;
    return { actions, costs };
  }

  private push(lane: Lane, perceived: Float32Array, row: Float32Array): void {
    const { size, latent, k } = this;
    if (lane.rows * size >= lane.perceived.length) {
      const cap = Math.max(64, 2 * lane.rows);
      const grow = (old: Float32Array, width: number): Float32Array => {
        const next = new Float32Array(cap * width);
        next.set(old.subarray(0, lane.rows * width));
        return next;
      };
      lane.perceived = grow(lane.perceived, size);
      lane.states = grow(lane.states, latent);
      lane.actions = grow(lane.actions, ACTION_SIZE);
      lane.costs = grow(lane.costs, k);
    }
    const r = lane.rows++;
    lane.perceived.set(perceived, r * size);
    lane.states.set(row.subarray(0, latent), r * latent);
    lane.actions.set(row.subarray(latent, latent + ACTION_SIZE), r * ACTION_SIZE);
    lane.costs.set(row.subarray(latent + ACTION_SIZE), r * k);
  }

  /** World `world`'s episode has ended: its ticks reach memory once every earlier episode's have. */
  end(world: number): void {
    const lane = this.lanes[world];
    if (!lane) return;
    this.lanes[world] = null;
    this.ended.set(lane.episode, lane);
    while (this.nextEpisode !== null && this.ended.has(this.nextEpisode)) {
      const next = this.ended.get(this.nextEpisode)!;
      this.ended.delete(this.nextEpisode);
      this.nextEpisode++;
      const { agent } = this;
      agent.beginEpisode(next.seed);
      agent.recordTicks(next.rows, next.perceived, next.actions, next.states, next.costs);
      agent.endEpisode();
    }
  }

  /** Episodes ended but still waiting for an earlier one to end. */
  get waiting(): number {
    return this.ended.size;
  }
}
