// A live session: its own env and agent, stepped by a clock, streaming a frame per tick to one page.
import type { PlanningConfig } from '../../agent/actor/planning.ts';
import type { IntrinsicCost, SimWithCosts } from '../../agent/cost/index.ts';
import { preparePolicy, type AgentName, type PreparedPolicy } from '../../agent/harness/policies.ts';
import { shippedCheckpoint, sims } from '../../sims/index.ts';
import { Env, type Observation } from '../../world/env.ts';
import { startEpisode, type EpisodePolicy } from '../../world/episodes.ts';
import { deriveSeed } from '../../world/seeds.ts';
import type { WorldState } from '../../world/sim.ts';
import type { ClientMessage } from '../protocol.ts';
import { liveFrame } from './frames.ts';
import { Clock, type Channel, type Session } from './session.ts';

export interface LiveSource {
  kind: 'live';
  sim: SimWithCosts;
  agent: AgentName;
  checkpoint?: string;
  /** Seed of the first episode; episode i after it uses seed + i until a restart picks another. */
  seed: number;
  /** Planning settings over the checkpoint's. */
  planning?: Partial<PlanningConfig>;
  /** Intrinsic-cost plug-ins, each shown with its bar, and weights over the checkpoint's. */
  extraCosts?: IntrinsicCost[];
  weights?: Readonly<Record<string, number>>;
  /** Weights for plug-ins the checkpoint does not weigh. */
  defaultWeights?: Readonly<Record<string, number>>;
}

export class LiveSession implements Session {
  private readonly env: Env;
  private readonly prepared: PreparedPolicy;
  private readonly clock: Clock;
  private policy: EpisodePolicy | null = null;
  private observations: Observation[] = [];
  private state: WorldState | null = null;
  private episode = -1;
  private seed: number;
  private index = 0;
  /** Set once the page moved a goal, so learning agents return to the world's goal next episode. */
  private goalOverridden = false;
  private failed = false;

  constructor(
    private readonly source: LiveSource,
    private readonly channel: Channel,
  ) {
    this.env = new Env(source.sim);
    this.seed = source.seed;
    this.prepared = preparePolicy(source.sim, source.agent, LiveSession.prepareOptions(source));
    this.clock = new Clock(() => this.tick(), channel);
  }

  /** Loads the source's agent once and lets it go: throws (naming the checkpoint) what every tab would otherwise get. */
  static check(source: LiveSource): void {
    const prepared = preparePolicy(source.sim, source.agent, LiveSession.prepareOptions(source));
    for (const agent of prepared.agents) agent.dispose();
  }

  private static prepareOptions(source: LiveSource): Parameters<typeof preparePolicy>[2] {
    return {
      seed: source.seed,
      checkpoint: source.checkpoint,
      // A sim from a file has no shipped checkpoint.
      shippedCheckpoint: source.sim === sims[source.sim.name] ? shippedCheckpoint(source.sim.name) : undefined,
      ...(source.planning ? { planning: source.planning } : {}),
      ...(source.extraCosts ? { extraCosts: source.extraCosts } : {}),
      ...(source.weights ? { weights: source.weights } : {}),
      ...(source.defaultWeights ? { defaultWeights: source.defaultWeights } : {}),
    };
  }

  start(): void {
    const { sim } = this.source;
    this.channel.send({ type: 'hello', mode: 'live', sim: sim.name, arena: sim.arena, agentRadius: sim.body.radius, agent: this.source.agent });
    this.channel.send(this.clock.status());
    this.beginEpisode(this.seed);
    this.clock.start();
  }

  handle(message: ClientMessage): void {
    switch (message.type) {
      case 'pause':
        this.clock.paused = message.paused;
        break;
      case 'step':
        this.clock.paused = true;
        this.tick();
        break;
      case 'speed':
        this.clock.speed = message.speed;
        break;
      case 'restart':
        this.beginEpisode(message.seed ?? deriveSeed(this.seed, 'episode', 1));
        break;
      case 'goal':
        this.moveGoal(message.agent ?? 0, message.x, message.y);
        return;
      case 'seek':
        throw new Error("'seek' works in replay only; a live view can pause, step, change speed, restart or move the goal");
    }
    this.channel.send(this.clock.status());
  }

  dispose(): void {
    this.clock.stop();
    this.policy?.end?.();
    this.policy = null;
    for (const agent of this.prepared.agents) agent.dispose();
  }

  private beginEpisode(seed: number): void {
    this.policy?.end?.();
    this.seed = seed;
    this.episode++;
    if (this.goalOverridden) {
      for (const agent of this.prepared.agents) agent.setTask({ goal: null });
      this.goalOverridden = false;
    }
    const { first, policy, context } = startEpisode(this.env, this.prepared.policy, this.episode, seed);
    const scene = context.scene;
    this.policy = policy;
    this.observations = first.observations;
    this.state = first.info.state;
    this.channel.send({ type: 'scene', episode: this.episode, seed, scene });
    this.channel.send({ type: 'frame', frame: liveFrame(this.index, this.episode, this.env, this.state, this.observations, first.info.success) });
  }

  private tick(): void {
    if (!this.policy || !this.state || this.failed) return;
    let done: boolean;
    try {
      const actions = this.policy.act(this.observations, this.state);
      const r = this.env.step(actions);
      this.observations = r.observations;
      this.state = r.info.state;
      this.index++;
      this.channel.send({
        type: 'frame',
        frame: liveFrame(this.index, this.episode, this.env, this.state, this.observations, r.info.success, this.policy.extras?.()),
      });
      done = r.terminated || r.truncated;
    } catch (e) {
      this.failed = true;
      this.clock.stop();
      this.channel.send({ type: 'error', message: `the simulation stopped: ${(e as Error).message}` });
      return;
    }
    if (done) this.beginEpisode(deriveSeed(this.seed, 'episode', 1));
  }

  /** Moves an agent's goal (world pixels); learning agents get it as a task in observation units. */
  private moveGoal(agent: number, x: number, y: number): void {
    const { sim } = this.source;
    const { width, height } = sim.arena;
    if (agent >= sim.agentCount) throw new Error(`agent ${agent} does not exist: sim '${sim.name}' has agents 0 … ${sim.agentCount - 1}`);
    if (x < 0 || x > width || y < 0 || y > height) {
      throw new Error(`goal (${x}, ${y}) is outside the arena; x must be in [0, ${width}] and y in [0, ${height}]`);
    }
    this.env.setGoal(agent, { x, y });
    const learner = this.prepared.agents[agent];
    if (learner) {
      const scale = this.env.positionScale;
      learner.setTask({ goal: { x: (x - width / 2) / scale, y: (y - height / 2) / scale } });
      this.goalOverridden = true;
    }
    if (this.state) {
      this.channel.send({ type: 'frame', frame: liveFrame(this.index, this.episode, this.env, this.state, this.observations, sim.success(this.state)) });
    }
  }
}
