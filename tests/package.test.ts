// The package as a library: `npm pack` builds dist/ (JavaScript and .d.ts); installed into a fresh project, the public API imports and the CLI runs the compiled code.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repo = path.resolve('.');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-pack-'));
const project = path.join(work, 'project');
const installed = path.join(project, 'node_modules', 'autonomy');
let tarball = '';

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  // Step 1. Pack a copy of the tracked files (prepack builds dist/ there, never under a test running the repo's CLI).
  const source = path.join(work, 'source');
  const { stdout: tracked } = await exec('git', ['ls-files', '-z'], { cwd: repo, maxBuffer: 1 << 26 });
  for (const file of tracked.split('\0').filter((f) => f !== '' && fs.existsSync(path.join(repo, f)))) {
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.copyFileSync(path.join(repo, file), path.join(source, file));
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, maxBuffer: 1 << 26 });
  tarball = path.join(work, (JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[])[0]!.filename);

  // Step 2. Install it into a fresh project as npm lays it out; its dependencies are linked from this repository's
  // node_modules rather than downloaded, so the test needs no network.
  fs.mkdirSync(installed, { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
  await exec('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(installed, 'node_modules'), 'dir');
}, 240_000);

describe('the packed package', () => {
  it('holds the compiled JavaScript with type declarations, the module hooks and the shipped checkpoints, and no tests', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/bin/cli.js', 'dist/agent/harness/plugin-hooks.js', 'dist/agent/harness/native-import.cjs', 'sims/checkpoints/reach/checkpoint.json', 'bin/autonomy.js']) {
      expect(fs.existsSync(path.join(installed, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(installed, 'tests'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it('imports as a library from a project that installed it: the public API works on a registered sim', async () => {
    fs.writeFileSync(
      path.join(project, 'use.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { CostModule, defineIntrinsicCost, Env, getSim, runEpisodes, preparePolicy } from 'autonomy';
const up = defineIntrinsicCost({ name: 'up', description: 'y', reads: ['agent.y'], cost: ({ f }) => tf.add(f['agent.y'], 1) });
const sim = getSim('reach');
const env = new Env(sim);
const module = new CostModule([up], env.observationLayout);
const { observations } = env.reset({ seed: 0 });
const prepared = preparePolicy(sim, 'scripted', { seed: 0, extraCosts: [up], weights: { up: 1 } });
const result = runEpisodes({ sim, policy: prepared.policy, episodes: 1, seed: 0 });
console.log(JSON.stringify({ names: module.names, value: module.evaluate(observations[0], new Float32Array(2), env.observationLayout)[0], success: result.successRate, weights: prepared.weights }));
`,
    );
    // The project's own tfjs import resolves through the installed package's dependencies, as npm would hoist them.
    fs.symlinkSync(path.join(repo, 'node_modules', '@tensorflow'), path.join(project, 'node_modules', '@tensorflow'), 'dir');
    const { stdout } = await exec('node', ['use.mjs'], { cwd: project });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { names: string[]; value: number; success: number; weights: Record<string, number> };
    expect(out.names).toEqual(['up']);
    expect(out.value).toBeGreaterThan(0);
    expect(out.value).toBeLessThan(2);
    expect(out.success).toBe(1);
    expect(out.weights).toMatchObject({ 'goal-distance': 1, up: 1 });
  });

  it('runs its CLI from the compiled code, with a TypeScript plug-in from the project', async () => {
    fs.writeFileSync(
      path.join(project, 'keep-low.ts'),
      "import * as tf from '@tensorflow/tfjs';\nimport { defineIntrinsicCost } from 'autonomy';\nexport default defineIntrinsicCost({ name: 'keep-low', description: 'Height above the bottom.', reads: ['agent.y'], cost: ({ f }) => tf.sub(1, f['agent.y']!) });\n",
    );
    const { stdout, stderr } = await exec('node', [path.join(installed, 'bin', 'autonomy.js'), 'run', 'reach', '--episodes', '1', '--cost', './keep-low.ts=0', '--json'], { cwd: project, env: { ...process.env, AUTONOMY_BACKEND: 'cpu' } });
    expect(stderr).not.toMatch(/older than the sources/);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { successRate: number; meanCost: Record<string, number> };
    expect(summary.successRate).toBe(1);
    expect(Object.keys(summary.meanCost)).toEqual(['goal-distance', 'energy', 'keep-low']);
  });
});
