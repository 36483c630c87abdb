// End to end, as a user does it: a cost and a sim written into a folder outside the repository (no node_modules), run, trained briefly and evaluated through the CLI.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const bin = path.resolve('bin/autonomy.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-user-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function autonomy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [bin, ...args], { cwd: dir, env: { ...process.env, AUTONOMY_BACKEND: 'wasm' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

// The minimal cost of the docs: ten lines, TypeScript, importing from 'autonomy' and '@tensorflow/tfjs'.
fs.writeFileSync(
  path.join(dir, 'prefer-top.ts'),
  `import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';

export default defineIntrinsicCost({
  name: 'prefer-top',
  description: 'How far below the top edge the agent is (y grows downward; half-arena units).',
  reads: ['agent.y'],
  cost: ({ f }) => tf.add(f['agent.y']!, 1),
});
`,
);

// A sim of the user's own, in JavaScript, with a cost of its own.
fs.writeFileSync(
  path.join(dir, 'corridor.js'),
  `import * as tf from '@tensorflow/tfjs';
import { arrive, defineIntrinsicCost, defineSim, distance } from 'autonomy';

const keepCentred = defineIntrinsicCost({
  name: 'keep-centred',
  description: 'Distance from the corridor\\'s centre line.',
  reads: ['agent.y'],
  cost: ({ f }) => tf.abs(f['agent.y']),
});

const sim = defineSim({
  name: 'corridor',
  description: 'Reach the end of a corridor (within 15 px, 80 steps).',
  arena: { width: 300, height: 100 },
  maxSteps: 80,
  agentCount: 1,
  body: { radius: 8, maxAccel: 0.5, frictionAir: 0.1 },
  sensors: { rays: 8, rayLength: 100, grid: { size: 8, cell: 10 } },
  build: (rng) => ({ walls: [], agents: [{ x: 30, y: rng.uniform(30, 70) }], goals: [{ x: 270, y: 50 }], blocks: [], targets: [], food: [], meta: {} }),
  success: (state) => distance(state.agents[0], state.goals[0]) < 15,
  suggestedCosts: [{ name: 'goal-distance', weight: 1 }, { name: 'keep-centred', weight: 0.1 }],
  costs: [keepCentred],
  scripted: () => (state) => [arrive(sim, state.agents[0], state.goals[0])],
});

export default sim;
`,
);

describe('a user\'s cost and sim from a folder outside the repository', () => {
  it('runs the sim from its file, with its own cost and the plug-in weighted by --cost FILE=W', async () => {
    const { code, stdout, stderr } = await autonomy('run', './corridor.js', '--agent', 'scripted', '--episodes', '2', '--cost', './prefer-top.ts=2', '--json');
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    const summary = lastJson(stdout) as { sim: string; successRate: number; meanCost: Record<string, number>; weights: Record<string, number> };
    expect(summary.sim).toBe('corridor');
    expect(summary.successRate).toBe(1);
    expect(summary.weights).toEqual({ 'goal-distance': 1, 'keep-centred': 0.1, 'prefer-top': 2 });
    // The agent stays near the centre line (y = 0), so prefer-top (y + 1) averages about 1.
    expect(summary.meanCost['prefer-top']).toBeGreaterThan(0.5);
    expect(summary.meanCost['prefer-top']).toBeLessThan(1.5);
  });

  it('trains briefly with the plug-in in the mix, then evaluates and runs the checkpoint; without the plug-in it is refused by name', async () => {
    const trained = await autonomy('train', './corridor.js', '--preset', 'smoke', '--out', 'run', '--cost', './prefer-top.ts=2', '--json');
    expect(trained.stderr).toMatch(/train corridor: step 50\/50/);
    expect(trained.code).toBe(0);
    expect(lastJson(trained.stdout)).toMatchObject({ sim: 'corridor', steps: 50, costWeights: { 'goal-distance': 1, 'keep-centred': 0.1, 'prefer-top': 2 } });

    const evaluated = await autonomy('eval', './corridor.js', '--checkpoint', 'run', '--cost', './prefer-top.ts', '--only', 'scripted,mode1,mode2', '--episodes', '1', '--workers', '0', '--iterations', '2', '--samples', '8', '--json');
    expect(evaluated.code).toBe(0);
    const rows = (lastJson(evaluated.stdout) as { rows: { agent: string; meanCost: Record<string, number> }[] }).rows;
    expect(rows.map((r) => r.agent)).toEqual(['scripted', 'mode1', 'mode2']);
    for (const row of rows) expect(Object.keys(row.meanCost)).toEqual(['goal-distance', 'keep-centred', 'prefer-top']);

    const ran = await autonomy('run', './corridor.js', '--agent', 'mode2', '--checkpoint', 'run', '--cost', './prefer-top.ts', '--episodes', '1', '--iterations', '2', '--json');
    expect(ran.code).toBe(0);
    expect(lastJson(ran.stdout)).toMatchObject({ sim: 'corridor', agent: 'mode2', weights: { 'prefer-top': 2 }, mode2Share: 1 });

    const refused = await autonomy('run', './corridor.js', '--agent', 'mode2', '--checkpoint', 'run', '--episodes', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe(`autonomy: error: checkpoint 'run' was trained with the intrinsic cost 'prefer-top', not loaded now; load --cost ${path.join(fs.realpathSync(dir), 'prefer-top.ts')}`);
  });

  it('plans with a plug-in on a shipped checkpoint in one command, weight from --weight', async () => {
    const { code, stdout } = await autonomy('run', 'reach', '--agent', 'mode2', '--cost', './prefer-top.ts', '--weight', 'prefer-top=3', '--weight', 'energy=0', '--episodes', '1', '--iterations', '2', '--json');
    expect(code).toBe(0);
    expect(lastJson(stdout)).toMatchObject({ agent: 'mode2', weights: { 'goal-distance': 1, energy: 0, 'prefer-top': 3 }, mode2Share: 1 });
  });

  it.each([
    [['run', './missing-sim.ts'], /^autonomy: error: sim file '.\/missing-sim.ts' does not exist \(looked for .*missing-sim\.ts\); give the path of a \.ts or \.js file$/],
    [['run', 'reach', '--cost', '.'], /^autonomy: error: cost file '.' is a folder; give the file inside it that has `export default defineIntrinsicCost/],
    [['run', 'reach', '--weight', 'prefer-top=2'], /^autonomy: error: --weight prefer-top=2: sim 'reach' has no intrinsic cost 'prefer-top'; its costs: goal-distance, energy, .* \(load a plug-in with --cost FILE\)$/],
    [['run', './reach-again.js'], /^autonomy: error: sim file '.\/reach-again.js' names its sim 'reach', the name of a built-in sim; choose another name \(built-ins: reach, two-rooms, forage, push\)$/],
    [['run', './corridor.js', '--agent', 'mode2'], /^autonomy: error: --agent mode2 plans with a trained world model: give --checkpoint DIR \(from `autonomy train corridor`\); no checkpoint ships for 'corridor'$/],
  ])('refuses %j in one line naming the file or cost', async (args, message) => {
    fs.writeFileSync(path.join(dir, 'reach-again.js'), fs.readFileSync(path.join(dir, 'corridor.js'), 'utf8').replace("name: 'corridor'", "name: 'reach'"));
    const { code, stderr } = await autonomy(...args);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(message);
  });

  it('warns when a learning agent acts without a trained checkpoint, and when a mode1 agent is given costs it cannot act on', async () => {
    const untrained = await autonomy('run', './corridor.js', '--agent', 'mode1', '--episodes', '1');
    expect(untrained.code).toBe(0);
    expect(untrained.stderr).toMatch(/^warning: no trained checkpoint for 'corridor': this mode1 agent acts with an untrained policy \(random weights\); train one with `autonomy train corridor`/m);
    const reactive = await autonomy('run', 'reach', '--agent', 'mode1', '--episodes', '1', '--cost', './prefer-top.ts=2');
    expect(reactive.code).toBe(0);
    expect(reactive.stderr).toMatch(/^warning: a mode1 agent acts by its trained policy, so --cost and --weight change what is measured, not what it does; plan with --agent mode2/m);
  });
});
