// Distillation: the policy kept is the one of the round that scored best on the validation episodes.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../agent/tensor/backend.ts';
import { distillPolicy, validatePolicy } from '../../../agent/training/distill.ts';
import { trainRun } from '../../../agent/training/training-run.ts';
import { getSim } from '../../../sims/index.ts';
import { deriveSeed } from '../../../world/seeds.ts';
import { small, tiny } from './fixtures.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('distillPolicy', () => {
  it('keeps the distilled policy of the round that validated best', () => {
    const sim = getSim('reach');
    const result = trainRun({ sim, preset: { ...tiny, distill: { ...tiny.distill, rounds: 0 } }, presetName: 'tiny', seed: 4, config: small });
    const agent = result.agent;
    try {
      const state = Float32Array.from({ length: agent.perception.latent }, (_, i) => Math.sin(i));
      const actions: Float32Array[] = [];
      const options = { rounds: 3, episodes: 1, steps: 10, batch: 32, seed: 9, validationEpisodes: 3 };
      const rounds = distillPolicy(agent, sim, options, () => actions.push(agent.actor.policy.act(state)));
      expect(rounds.every((r) => r.validation !== undefined)).toBe(true);
      expect(rounds[0]!.kept).toBe(true);
      const kept = rounds.map((r) => r.kept).lastIndexOf(true);
      expect(rounds[kept]!.validation).toBe(Math.max(...rounds.map((r) => r.validation!)));
      // The policy in the agent is the kept round's, not the last round's.
      expect(agent.actor.policy.act(state)).toEqual(actions[kept]);
      if (kept !== 2) expect(actions[2]).not.toEqual(actions[kept]);
      expect(validatePolicy(agent, sim, deriveSeed(9, 'distill-validation'), 3).success).toBe(rounds[kept]!.validation);
    } finally {
      agent.dispose();
    }
  });
});
