// Assembles an agent from a validated config: the six modules, their ports, and a synchronous tick.
import * as tf from '@tensorflow/tfjs';
import { BehaviorSubject, Subject, zip, type Subscription } from 'rxjs';
import { ACTION_SIZE } from '../world/env.ts';
import type { FeatureLayout } from '../world/features.ts';
import { Rng } from '../world/rng.ts';
import type { SuggestedCost } from '../world/sim.ts';
import { Actor, createPlanner, type Planner, Policy } from './actor/index.ts';
import { parseAgentConfig, type AgentConfig, type AgentConfigInput } from './config.ts';
import { Configurator } from './configurator/index.ts';
import { CostModule, Critic, GoalCritic, goalGeometry, type IntrinsicCost, loadCosts } from './cost/index.ts';
import { ShortTermMemory } from './memory/index.ts';
import { PerceptionEncoder } from './perception/index.ts';
import type { ActionMsg, AgentPorts, AgentSettings, CostMsg, ObservationMsg, Task } from './ports.ts';
import { wireAgent } from './wiring.ts';
import { createWorldModel, type HJepa, imaginedPath, SurpriseMonitor } from './world-model/index.ts';

export interface AgentOptions {
  /** The observation layout of the agent's body in its sim. */
  layout: FeatureLayout;
  /** The sim's suggested intrinsic costs and weights. */
  suggestedCosts: readonly SuggestedCost[];
  config?: AgentConfigInput;
  /** User plug-in costs, loaded next to the built-ins. */
  extraCosts?: readonly IntrinsicCost[];
  /** The sim's own intrinsic costs, loadable by name like the built-ins. */
  simCosts?: readonly IntrinsicCost[];
}

export class Agent {
  readonly config: AgentConfig;
  readonly perception: PerceptionEncoder;
  readonly cost: CostModule;
  readonly critic: Critic;
  /** The learned time to the goal (cost.goalCritic.enabled), or null. */
  readonly goalCritic: GoalCritic | null;
  readonly actor: Actor;
  private stm: ShortTermMemory;
  readonly configurator: Configurator;
  readonly worldModel: HJepa | null;
  readonly planner: Planner | null;
  /** The world model's surprise at each tick (null without a world model). */
  private readonly surprise$: SurpriseMonitor | null;
  readonly ports: AgentPorts;
  /** Milliseconds from observation to action (perception, configurator, actor) of every tick so far. */
  readonly decisionMs: number[] = [];
  private readonly subscriptions: Subscription[] = [];
  private episode = 0;
  private tickIndex = 0;
  private tickStarted = 0;
  private lastAction: ActionMsg | null = null;
  private lastCostMsg: CostMsg | null = null;
  private lastState: Float32Array | null = null;
  /** Ticks run in each mode. */
  readonly modeCounts = { mode1: 0, mode2: 0 };
  /** The first error raised inside the streams; once set, the agent refuses to tick. */
  private failure: Error | null = null;

  constructor(readonly options: AgentOptions) {
    this.config = parseAgentConfig(options.config ?? {});
    const rng = new Rng(this.config.seed);
    const { layout } = options;
    const costs = loadCosts(options.suggestedCosts, this.config, options.extraCosts, options.simCosts);
    this.cost = new CostModule(costs, layout);
    this.perception = new PerceptionEncoder(layout, this.config.perception, rng.fork());
    const latent = this.perception.latent;
    this.critic = new Critic(latent, this.config.cost.criticHidden, rng.fork());
    const policy = new Policy(latent, this.config.actor.hidden, ACTION_SIZE, rng.fork());
    this.stm = new ShortTermMemory({
      capacity: this.config.memory.capacity,
      observationSize: layout.size,
      stateSize: latent,
      actionSize: ACTION_SIZE,
      costNames: [...this.cost.names],
    });
    this.configurator = new Configurator(this.cost.names, options.suggestedCosts, this.config, layout);
    const wm = this.config.worldModel;
    this.worldModel = wm.enabled ? createWorldModel(layout, latent, ACTION_SIZE, wm, rng.fork(), this.config.perception.stateSlot) : null;
    // Forked last, so enabling it leaves every other module's initial weights as they were.
    const gc = this.config.cost.goalCritic;
    this.goalCritic = gc.enabled ? new GoalCritic(goalGeometry(layout).landmarks.length, gc.hidden, gc.embedding, rng.fork()) : null;
    this.planner = this.worldModel ? createPlanner({ model: this.worldModel, cost: this.cost, critic: this.critic, goalCritic: this.goalCritic ? { critic: this.goalCritic, weight: gc.weight, at: gc.at, maxProgress: gc.maxProgress, infeasibleWeight: gc.infeasibleWeight } : null, policy }, this.config.planning, this.config.seed) : null;
    this.surprise$ = this.worldModel ? new SurpriseMonitor(this.worldModel) : null;
    this.actor = new Actor(policy, this.planner, () => this.surprise$?.novel ?? false);

    const observation$ = new Subject<ObservationMsg>();
    const task$ = new Subject<Task>();
    const settings$ = new BehaviorSubject<AgentSettings>(this.configurator.current);
    const streams = wireAgent(
      {
        perceive: (values, settings) => this.configurator.perceive(values, settings),
        encode: (perceived) => this.perception.encode(perceived),
        act: (s, settings) => this.actor.act(s, settings),
        cost: (perceived, action, settings) => this.cost.report(perceived, action, layout, settings.weights),
      },
      observation$,
      settings$,
    );
    this.ports = { observation$, task$, settings$, ...streams };
    this.subscriptions.push(
      task$.subscribe((task) => {
        // A bad task from a stream must not kill the port: it is reported and the settings stay as they were.
        try {
          settings$.next(this.configurator.configure(task));
        } catch (e) {
          console.error(`autonomy: task refused: ${(e as Error).message}`);
        }
      }),
      streams.action$.subscribe({
        next: (a) => {
          this.decisionMs.push(performance.now() - this.tickStarted);
          this.lastAction = a;
        },
        error: (e: Error) => this.fail(e),
      }),
      streams.cost$.subscribe({
        next: (c) => {
          this.lastCostMsg = c;
        },
        error: (e: Error) => this.fail(e),
      }),
      streams.record$.subscribe({ next: (r) => this.memory.record(r), error: (e: Error) => this.fail(e) }),
      // The world model watches each tick: its surprise is how far s_t lies from its prediction from (s_t-1, a_t-1).
      zip(streams.state$, streams.action$).subscribe({
        next: ([st, ac]) => {
          this.surprise$?.observe(st.s, ac.action, st.tick);
          this.modeCounts[ac.mode]++;
          this.lastState = st.s;
        },
        error: (e: Error) => this.fail(e),
      }),
    );
  }

  get memory(): ShortTermMemory {
    return this.stm;
  }

  /** Replaces short-term memory with a restored one of the same shape. */
  restoreMemory(memory: ShortTermMemory): void {
    const want = JSON.stringify(this.stm.shape);
    if (JSON.stringify(memory.shape) !== want) throw new Error(`restored memory has shape ${JSON.stringify(memory.shape)}; this agent needs ${want}`);
    this.stm = memory;
  }

  /** Starts a new episode: the next ticks are recorded under a new episode id, from tick 0. @param seed the world's episode seed */
  beginEpisode(seed?: number): void {
    this.surprise$?.beginEpisode();
    this.planner?.reset?.(seed);
    if (this.tickIndex > 0) this.endEpisode();
    this.episode++;
    this.tickIndex = 0;
  }

  /** Marks the last recorded tick as its episode's end. */
  endEpisode(): void {
    if (this.tickIndex > 0) this.memory.markDone();
    this.tickIndex = 0;
  }

  private fail(e: Error): void {
    this.failure ??= e;
  }

  /** One synchronous perception-action cycle. @returns the action [2] in [-1, 1] */
  tick(observation: Float32Array): Float32Array {
    if (this.failure) throw this.failure;
    this.lastAction = null;
    this.tickStarted = performance.now();
    this.ports.observation$.next({ episode: this.episode, tick: this.tickIndex, values: observation });
    this.tickIndex++;
    if (this.failure) throw this.failure;
    if (!this.lastAction) throw new Error('the agent produced no action for this tick');
    return (this.lastAction as ActionMsg).action;
  }

  /** Changes the task (goal, weights, mode, horizon) from now on; the modules follow without retraining. Throws on a bad task. */
  setTask(task: Task): void {
    this.ports.settings$.next(this.configurator.configure(task));
    this.planner?.reset?.();
  }

  get settings(): AgentSettings {
    return this.ports.settings$.value;
  }

  /** The cost breakdown of the latest tick. */
  get lastCost(): CostMsg | null {
    return this.lastCostMsg;
  }

  /** The world model's prediction error on the latest tick (null without a model or on an episode's first tick). */
  get surprise(): number | null {
    return this.surprise$?.latest ?? null;
  }

  /**
   * The imagined future: the Mode-1 policy rolled out through the world model from the latest state, decoded by the
   * probe heads. @returns [steps, 2] agent positions in observation units, or null without a world model
   */
  imagine(steps: number): Float32Array | null {
    if (!this.worldModel || !this.lastState) return null;
    return imaginedPath(this.worldModel, this.lastState, (s) => this.actor.policy.net.infer(s), steps);
  }

  get lastMode(): 'mode1' | 'mode2' | null {
    return this.lastAction?.mode ?? null;
  }

  /** Continues episode numbering after the episodes in a restored memory. */
  resumeEpisodes(count: number): void {
    this.episode = count;
  }

  /** Records a tick acted by another controller (exploration, a planner being distilled): perception, cost, memory. */
  observe(observation: Float32Array, action: Float32Array): void {
    const perceived = this.configurator.perceive(observation, this.settings);
    this.memory.record({
      observation: perceived,
      state: this.perception.encode(perceived),
      action,
      costs: this.cost.evaluate(perceived, action, this.options.layout),
      episode: this.episode,
      step: this.tickIndex++,
      done: false,
    });
  }

  /**
   * Records `rows` consecutive ticks of the current episode at once, as `tick` would have: a batched tick's
   * (`AgentBatch`) or a collector's. States and costs not given are computed here in one batch.
   * @param perceived [rows, observationSize] observations as the agent read them @param actions [rows, 2]
   * @param states [rows, latent] @param costs [rows, costs] in `cost.names` order
   */
  recordTicks(rows: number, perceived: Float32Array, actions: Float32Array, states?: Float32Array, costs?: Float32Array): void {
    const size = this.options.layout.size;
    const latent = this.perception.latent;
    const k = this.cost.names.length;
    const s = states ?? this.perception.encodeRows(perceived, rows);
    const c = costs ?? this.cost.evaluateRows(perceived, actions, rows, this.options.layout);
    for (let r = 0; r < rows; r++) {
      this.memory.record({
        observation: perceived.subarray(r * size, (r + 1) * size),
        state: s.subarray(r * latent, (r + 1) * latent),
        action: actions.subarray(r * ACTION_SIZE, (r + 1) * ACTION_SIZE),
        costs: c.subarray(r * k, (r + 1) * k),
        episode: this.episode,
        step: this.tickIndex++,
        done: false,
      });
    }
  }

  /** `observe` for many ticks of the current episode: perception and costs in one batch. @param observations [rows, size] */
  observeRows(rows: number, observations: Float32Array, actions: Float32Array): void {
    const settings = this.settings;
    if (!settings.goal) return this.recordTicks(rows, observations, actions);
    const size = this.options.layout.size;
    const perceived = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) perceived.set(this.configurator.perceive(observations.subarray(r * size, (r + 1) * size), settings), r * size);
    this.recordTicks(rows, perceived, actions);
  }

  /** The H-JEPA world model, or an error saying how to get one. */
  get hjepa(): HJepa {
    if (!this.worldModel) throw new Error('this agent has no H-JEPA world model: build it with worldModel.enabled, or load a checkpoint from `autonomy train`');
    return this.worldModel;
  }

  /** Every trainable variable under a stable name, for checkpoints. */
  namedVariables(): [string, tf.Variable][] {
    return [...this.perception.named, ...this.actor.policy.named, ...this.critic.named, ...(this.goalCritic?.named ?? []), ...(this.worldModel?.named ?? [])];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.perception.dispose();
    this.actor.policy.dispose();
    this.critic.dispose();
    this.goalCritic?.dispose();
    this.worldModel?.dispose();
  }
}
