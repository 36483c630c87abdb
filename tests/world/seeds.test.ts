// Named seed streams: each name gives the seed the project has always used there, so fixed-seed results reproduce.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../world/rng.ts';
import { deriveSeed } from '../../world/seeds.ts';

describe('deriveSeed', () => {
  it('keeps the historical value of every stream', () => {
    const seed = 123;
    expect(deriveSeed(seed, 'episode', 4)).toBe(127);
    expect(deriveSeed(seed, 'policy')).toBe(new Rng(seed).fork().nextUint32());
    expect(deriveSeed(seed, 'agent', 1)).toBe(124);
    expect(deriveSeed(seed, 'exploration')).toBe(123);
    expect(deriveSeed(seed, 'held-out')).toBe(1_000_123);
    expect(deriveSeed(seed, 'world-model-batches', 500)).toBe(123 + 500 + 17);
    expect(deriveSeed(seed, 'world-model-evidence')).toBe(123);
    expect(deriveSeed(seed, 'probe-fit')).toBe(126);
    expect(deriveSeed(seed, 'critic')).toBe(128);
    expect(deriveSeed(seed, 'distill')).toBe(2_000_123);
    expect(deriveSeed(seed, 'distill-batches')).toBe(123);
    expect(deriveSeed(seed, 'distill-round', 3)).toBe(30_123);
    expect(deriveSeed(seed, 'distill-validation')).toBe(5_000_123);
    expect(deriveSeed(seed, 'oracle')).toBe(123 ^ 0x9e3779b9);
    expect(deriveSeed(deriveSeed(seed, 'planner', 1000), 'decision', 7)).toBe((123 * 1_000_003 + 1000 * 7919 + 7) >>> 0);
    expect(deriveSeed(deriveSeed(seed, 'subgoal-planner'), 'decision', 7)).toBe((123 * 7919 + 7) >>> 0);
  });

  it('wraps planner decisions to an unsigned 32-bit seed for large seeds', () => {
    const big = 2 ** 32 - 1;
    const value = deriveSeed(deriveSeed(big, 'planner', big), 'decision', 5);
    expect(value).toBe((big * 1_000_003 + big * 7919 + 5) >>> 0);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(2 ** 32);
  });
});
