// The actor: Mode-1 answers with the reactive policy; Mode-2 asks a planner, the seam the planning work fills.
import type { AgentSettings } from '../ports.ts';
import type { Policy } from './policy.ts';

/** Mode-2: optimise an action sequence through the world model and return the first action. */
export interface Planner {
  /** @param s [latent] current representation @param warmStart [H][2] a starting sequence (e.g. the policy's) */
  plan(s: Float32Array, settings: AgentSettings, warmStart?: Float32Array[]): { action: Float32Array };
}

export class Actor {
  constructor(
    readonly policy: Policy,
    readonly planner: Planner | null = null,
  ) {}

  /** Which mode this tick runs: 'auto' falls back to Mode-1 when there is no planner to ask. */
  modeFor(settings: AgentSettings): 'mode1' | 'mode2' {
    if (settings.mode === 'mode1') return 'mode1';
    if (!this.planner) {
      if (settings.mode === 'mode2') throw new Error('Mode-2 needs a planner and a trained world model; none is loaded (use mode1, or a checkpoint with a world model)');
      return 'mode1';
    }
    return 'mode2';
  }

  act(s: Float32Array, settings: AgentSettings): { action: Float32Array; mode: 'mode1' | 'mode2' } {
    const mode = this.modeFor(settings);
    if (mode === 'mode2') return { action: this.planner!.plan(s, settings).action, mode };
    return { action: this.policy.act(s), mode };
  }
}
