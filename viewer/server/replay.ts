// A replay session: plays a recording's ticks to one page, with pause, step, speed and seek (the scrubber).
import type { EpisodeRecord, Recording, TickRecord } from '../../world/recording.ts';
import type { Vec } from '../../world/sim.ts';
import { COST_HISTORY, type ClientMessage, type Frame } from '../protocol.ts';
import { Clock, type Channel, type Session } from './session.ts';

export interface ReplaySource {
  kind: 'replay';
  /** Shown in messages. */
  file: string;
  recording: Recording;
  /** Agent body radius in world pixels (from the sim, when it is known). */
  agentRadius: number;
}

/** Trail points sent with a seek; longer paths are thinned. */
export const MAX_TRAIL = 400;

export class ReplaySession implements Session {
  private readonly ticks: TickRecord[] = [];
  private readonly episodes = new Map<number, EpisodeRecord>();
  /** For each tick, the index of the first tick of its episode. */
  private readonly episodeStart: number[] = [];
  /** The seek index: every agent's position at every tick, [tick · agents + agent], so a trail is read, not gathered. */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly agentCount: number;
  private readonly clock: Clock;
  private position = 0;
  private sentEpisode: number | null = null;

  constructor(
    private readonly source: ReplaySource,
    private readonly channel: Channel,
  ) {
    for (const record of source.recording.records) {
      if (record.type === 'episode') this.episodes.set(record.episode, record);
      else if (record.type === 'tick') {
        const previous = this.ticks.at(-1);
        const start = previous && previous.episode === record.episode ? this.episodeStart.at(-1)! : this.ticks.length;
        this.ticks.push(record);
        this.episodeStart.push(start);
      }
    }
    if (this.ticks.length === 0) throw new Error(`recording ${source.file} has no tick records; record a run with \`autonomy run <sim> --record FILE\``);
    this.agentCount = this.ticks[0]!.agents.length;
    this.xs = new Float64Array(this.ticks.length * this.agentCount);
    this.ys = new Float64Array(this.ticks.length * this.agentCount);
    this.ticks.forEach((tick, i) => {
      const agents = tick.agents;
      if (agents.length !== this.agentCount) throw new Error(`recording ${source.file} is damaged: tick record ${i} has ${agents.length} agents, the first has ${this.agentCount}`);
      agents.forEach((a, k) => {
        this.xs[i * this.agentCount + k] = a.x;
        this.ys[i * this.agentCount + k] = a.y;
      });
    });
    this.clock = new Clock(() => this.advance(), channel);
  }

  start(): void {
    const { header } = this.source.recording;
    const agent = typeof header.config.agent === 'string' ? header.config.agent : 'recorded';
    const { agentRadius } = this.source;
    this.channel.send({ type: 'hello', mode: 'replay', sim: header.sim, arena: header.arena, agentRadius, agent, ticks: this.ticks.length });
    this.channel.send(this.clock.status());
    this.show(0, true);
    this.clock.start();
  }

  handle(message: ClientMessage): void {
    switch (message.type) {
      case 'pause':
        this.clock.paused = message.paused;
        break;
      case 'step':
        this.clock.paused = true;
        this.advance();
        break;
      case 'speed':
        this.clock.speed = message.speed;
        break;
      case 'restart':
        this.show(0, true);
        break;
      case 'seek':
        if (message.index >= this.ticks.length) {
          throw new Error(`seek index ${message.index} is past the end; this recording has ticks 0 … ${this.ticks.length - 1}`);
        }
        this.show(message.index, true);
        break;
      case 'goal':
        throw new Error('a recording cannot be changed: moving the goal works in a live view (`autonomy view <sim>`)');
    }
    this.channel.send(this.clock.status());
  }

  dispose(): void {
    this.clock.stop();
  }

  private advance(): void {
    if (this.position + 1 >= this.ticks.length) {
      this.clock.paused = true;
      this.channel.send(this.clock.status());
      return;
    }
    this.show(this.position + 1, false);
  }

  /** Sends tick `index`, preceded by its episode's scene when the page has another one; a jump carries the trail. */
  private show(index: number, jump: boolean): void {
    this.position = index;
    const tick = this.ticks[index]!;
    if (this.sentEpisode !== tick.episode) {
      const episode = this.episodes.get(tick.episode);
      if (episode) this.channel.send({ type: 'scene', episode: episode.episode, seed: episode.seed, scene: episode.scene });
      this.sentEpisode = tick.episode;
    }
    const frame: Frame = {
      index,
      episode: tick.episode,
      step: tick.step,
      agents: tick.agents,
      blocks: tick.blocks,
      food: tick.food,
      goals: tick.goals,
      ...(tick.costs ? { costs: tick.costs } : {}),
      ...(tick.overlay ? { overlay: tick.overlay } : {}),
      success: tick.success,
      ...(jump ? { trail: this.trail(index), costHistory: this.costHistory(index) } : {}),
    };
    this.channel.send({ type: 'frame', frame });
  }

  private costHistory(index: number): NonNullable<Frame['costHistory']> {
    const from = Math.max(0, index + 1 - COST_HISTORY);
    return this.ticks.slice(from, index + 1).flatMap((t, i) => (t.costs ? [{ index: from + i, costs: t.costs }] : []));
  }

  /**
   * Each agent's path from its episode's start to tick `index`, thinned as `thin` does to at most MAX_TRAIL points
   * (and the last); read from the seek index, so its cost does not grow with the episode's length.
   */
  private trail(index: number): Vec[][] {
    const from = this.episodeStart[index]!;
    const length = index - from + 1;
    const stride = length <= MAX_TRAIL ? 1 : Math.ceil(length / MAX_TRAIL);
    const picked: number[] = [];
    for (let i = from; i <= index; i += stride) picked.push(i);
    if (picked.at(-1) !== index) picked.push(index);
    return Array.from({ length: this.agentCount }, (_, a) => picked.map((i) => ({ x: this.xs[i * this.agentCount + a]!, y: this.ys[i * this.agentCount + a]! })));
  }
}
