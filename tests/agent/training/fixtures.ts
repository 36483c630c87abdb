// Small training presets and agent sizes shared by the training tests: seconds, not minutes.
import type { Preset } from '../../../agent/training/training-run.ts';

export const tiny: Preset = {
  transitions: 1500,
  steps: 40,
  batch: 16,
  sequence: 9,
  evalTransitions: 600,
  probeSteps: 20,
  criticSteps: 10,
  goalCritic: { ticks: 2000, steps: 10, batch: 32 },
  distill: { rounds: 2, episodes: 1, steps: 10, batch: 32 },
};

export const small = {
  perception: { latent: 8, hidden: 32, branch: 16 },
  worldModel: { hidden: 32, expander: [32], probeHidden: 16, level2Hidden: 16, level2Latent: 4 },
  planning: { candidates: 4, iterations: 2, horizon: 4 },
};
