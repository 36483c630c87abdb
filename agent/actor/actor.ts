// The actor: Mode-1 answers with the reactive policy; Mode-2 asks a planner, the seam the planning work fills.
import type { AgentSettings } from '../ports.ts';
import type { Policy } from './policy.ts';

/** Mode-2: optimise an action sequence through the world model and return the first action. */
export interface Planner {
  /** @param s [latent] current representation */
  plan(s: Float32Array, settings: AgentSettings): { action: Float32Array };
  /** For the automatic mode: true when the policy's predicted cost is worse than the planner's current plan. */
  prefersPlanning?(s: Float32Array, settings: AgentSettings): boolean;
  /** Forgets plans in progress; with an episode seed, random draws restart from it. */
  reset?(episodeSeed?: number): void;
  /** Decisions taken and model evaluations spent so far. */
  readonly totals?: { decisions: number; modelEvals: number };
}

export class Actor {
  /**
   * @param novel for the automatic mode: true when the situation is novel (e.g. high world-model surprise)
   */
  constructor(
    readonly policy: Policy,
    readonly planner: Planner | null = null,
    readonly novel: () => boolean = () => false,
  ) {}

  /**
   * Which mode this tick runs. 'auto' runs Mode-1 unless the situation is novel or the policy's predicted cost is
   * worse than the planner's; without a planner it is always Mode-1.
   */
  modeFor(s: Float32Array, settings: AgentSettings): 'mode1' | 'mode2' {
    if (settings.mode === 'mode1') return 'mode1';
    if (!this.planner) {
      if (settings.mode === 'mode2') throw new Error('Mode-2 needs a planner and a trained world model; none is loaded (use mode1, or a checkpoint with a world model)');
      return 'mode1';
    }
    if (settings.mode === 'mode2') return 'mode2';
    return this.novel() || (this.planner.prefersPlanning?.(s, settings) ?? true) ? 'mode2' : 'mode1';
  }

  act(s: Float32Array, settings: AgentSettings): { action: Float32Array; mode: 'mode1' | 'mode2' } {
    const mode = this.modeFor(s, settings);
    if (mode === 'mode2') return { action: this.planner!.plan(s, settings).action, mode };
    return { action: this.policy.act(s), mode };
  }
}
