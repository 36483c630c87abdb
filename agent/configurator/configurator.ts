// The configurator: turns a task into the settings the other modules read, and may change them mid-episode.
import type { FeatureLayout } from '../../world/features.ts';
import type { SuggestedCost } from '../../world/sim.ts';
import { planningValue } from '../actor/index.ts';
import type { AgentConfig } from '../config.ts';
import type { AgentSettings, Task } from '../ports.ts';

export class Configurator {
  private settings: AgentSettings;
  private readonly goalDx: number;
  private readonly goalDy: number;
  private readonly agentX: number;
  private readonly agentY: number;

  /**
   * @param costNames every loaded intrinsic cost (each gets a weight, 0 when neither the sim nor the config sets one)
   * @param suggested the sim's suggested weights, overridden by `config.cost.weights`
   */
  constructor(
    readonly costNames: readonly string[],
    suggested: readonly SuggestedCost[],
    config: AgentConfig,
    layout: FeatureLayout,
  ) {
    const weights: Record<string, number> = Object.fromEntries(costNames.map((n) => [n, 0]));
    for (const s of suggested) if (s.name in weights) weights[s.name] = s.weight;
    this.checkWeights(config.cost.weights);
    Object.assign(weights, config.cost.weights);
    this.settings = Object.freeze({
      weights: Object.freeze(weights),
      criticWeight: config.cost.criticWeight,
      horizon: config.planning.horizon,
      mode: config.actor.mode,
      goal: null,
    });
    this.agentX = layout.slice('agent.x').offset;
    this.agentY = layout.slice('agent.y').offset;
    this.goalDx = layout.slice('goal.dx').offset;
    this.goalDy = layout.slice('goal.dy').offset;
  }

  get current(): AgentSettings {
    return this.settings;
  }

  private checkWeights(weights: Readonly<Record<string, number>>): void {
    for (const [name, w] of Object.entries(weights)) {
      if (!this.costNames.includes(name)) throw new Error(`unknown intrinsic cost '${name}' in weights; loaded costs: ${this.costNames.join(', ')}`);
      if (!Number.isFinite(w) || w < 0) throw new Error(`weight of intrinsic cost '${name}' must be a finite number ≥ 0, got ${w}`);
    }
  }

  /** Applies a task on top of the current settings. @returns the new settings */
  configure(task: Task): AgentSettings {
    if (task.weights) this.checkWeights(task.weights);
    if (task.horizon !== undefined) planningValue('horizon', task.horizon, 'task horizon');
    if (task.criticWeight !== undefined && !(Number.isFinite(task.criticWeight) && task.criticWeight >= 0)) throw new Error(`critic weight must be a finite number ≥ 0, got ${task.criticWeight}`);
    const s = this.settings;
    this.settings = Object.freeze({
      weights: Object.freeze({ ...s.weights, ...task.weights }),
      criticWeight: task.criticWeight ?? s.criticWeight,
      horizon: task.horizon ?? s.horizon,
      mode: task.mode ?? s.mode,
      goal: task.goal === undefined ? s.goal : task.goal,
    });
    return this.settings;
  }

  /** The observation as the task makes the agent read it: a task goal replaces the world's goal vector. */
  perceive(values: Float32Array, settings: AgentSettings): Float32Array {
    if (!settings.goal) return values;
    const out = Float32Array.from(values);
    out[this.goalDx] = settings.goal.x - values[this.agentX]!;
    out[this.goalDy] = settings.goal.y - values[this.agentY]!;
    return out;
  }
}
