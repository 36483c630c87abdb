// Sweep files: the grid they describe (paths against the file's folder, named settings, cells in order), and every fault named with its place in the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cells, readSweep } from '../../../bin/sweep/plan.ts';

function sweepFile(content: unknown, name = 'grid.json'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-sweep-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('readSweep', () => {
  it('lays a grid out as cells: sim by sim, setting by setting, seed by seed, with files resolved against the sweep file', () => {
    const file = sweepFile({
      sims: ['reach', 'sims/mine.ts'],
      seeds: [0, 1],
      settings: [{ preset: 'smoke', scriptedShare: 0.3, planner: 'mppi', horizon: 8 }, { name: 'costly', costs: ['costs/left.ts=2'], weights: { energy: 0 } }],
      train: true,
      eval: { episodes: 5, only: 'mode1,mode2', deterministic: true },
    });
    const dir = path.dirname(file);
    const plan = readSweep(file);
    expect(plan.name).toBe('grid');
    expect(plan.sims).toEqual(['reach', path.join(dir, 'sims/mine.ts')]);
    expect(plan.settings).toEqual([
      { name: 'preset=smoke,scriptedShare=0.3,planner=mppi,horizon=8', preset: 'smoke', scriptedShare: 0.3, planning: { planner: 'mppi', horizon: 8 }, costs: [], weights: {} },
      { name: 'costly', preset: 'quick', planning: {}, costs: [`${path.join(dir, 'costs/left.ts')}=2`], weights: { energy: 0 } },
    ]);
    expect(plan.eval).toEqual({ episodes: 5, seed: 1000, only: 'mode1,mode2', deterministic: true });
    expect(cells(plan).map((c) => `${path.basename(c.sim)} ${c.setting.name.slice(0, 6)} ${c.seed}`)).toEqual([
      'reach preset 0', 'reach preset 1', 'reach costly 0', 'reach costly 1', 'mine.ts preset 0', 'mine.ts preset 1', 'mine.ts costly 0', 'mine.ts costly 1',
    ]);
  });

  it('evaluates the shipped checkpoint, or a setting\'s, when it does not train', () => {
    const plan = readSweep(sweepFile({ name: 'planners', sims: ['two-rooms'], seeds: [1000, 2000], settings: [{ planner: 'cem' }, { planner: 'mppi', checkpoint: 'runs/x' }], eval: { episodes: 100 } }));
    expect(plan).toMatchObject({ name: 'planners', train: false, eval: { episodes: 100, seed: 1000, only: 'mode1,mode2', deterministic: false } });
    expect(plan.settings.map((s) => s.checkpoint)).toEqual([undefined, expect.stringMatching(/runs\/x$/)]);
  });

  it.each([
    ['not JSON', '{ "sims": [', /is not valid JSON/],
    ['an unknown field', { sims: ['reach'], seeds: [0], eval: { episodes: 1 }, episodes: 3 }, /the top level: Unrecognized key: "episodes"/],
    ['a bad seed', { sims: ['reach'], seeds: [0, -1], eval: { episodes: 1 } }, /seeds\[1\]: Too small/],
    ['a bad preset', { sims: ['reach'], seeds: [0], settings: [{ preset: 'huge' }], train: true }, /settings\[0\]\.preset: Invalid option: expected one of "smoke"\|"quick"\|"full"/],
    ['a bad horizon', { sims: ['reach'], seeds: [0], settings: [{ horizon: 0 }], eval: { episodes: 1 } }, /settings\[0\]\.horizon: Too small/],
    ['nothing to do', { sims: ['reach'], seeds: [0] }, /it asks for nothing: set "train": true, give "eval": \{ "episodes": N \}, or both/],
    ['a training setting without training', { sims: ['reach'], seeds: [0], settings: [{ steps: 10 }], eval: { episodes: 1 } }, /settings\[0\]\.steps is a training setting, and the sweep does not train/],
    ['a checkpoint while training', { sims: ['reach'], seeds: [0], settings: [{ checkpoint: 'x' }], train: true }, /settings\[0\]\.checkpoint names a checkpoint to evaluate, and this sweep trains its own/],
    ['two settings of one name', { sims: ['reach'], seeds: [0], settings: [{ name: 'a' }, { name: 'a', planner: 'cem' }], eval: { episodes: 1 } }, /two settings are named 'a'/],
    ['a seed twice', { sims: ['reach'], seeds: [1, 1], eval: { episodes: 1 } }, /"seeds" lists a seed twice/],
    ['a budget with deterministic', { sims: ['reach'], seeds: [1], settings: [{ budgetMs: 30 }], eval: { episodes: 1, deterministic: true } }, /settings\[0\]\.budgetMs: "eval.deterministic" plans without a time budget/],
    ['a name that is no folder name', { name: '../up', sims: ['reach'], seeds: [1], eval: { episodes: 1 } }, /name: letters, digits and _ \. = , \+ - only/],
  ])('refuses %s, naming the file and the place', (_, content, message) => {
    const file = sweepFile(content);
    expect(() => readSweep(file)).toThrow(new RegExp(`^sweep file '${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`));
    expect(() => readSweep(file)).toThrow(message);
  });

  it('says when the file is missing', () => {
    expect(() => readSweep('/nonexistent/grid.json')).toThrow("sweep file '/nonexistent/grid.json' does not exist; give a JSON file like docs/scale-out.md shows");
  });
});
