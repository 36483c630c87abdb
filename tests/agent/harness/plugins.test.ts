// Plug-in files from a folder outside the project: they load, and each mistake is one line naming the file, the cost or sim, and the fix.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCosts, loadCostFile, loadCostFiles, loadSimFile } from '../../../agent/harness/plugins.ts';
import { costRegistry } from '../../../agent/cost/index.ts';
import { getSim } from '../../../sims/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-plugins-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a file into the temporary folder (no package.json, no node_modules) and returns its path. */
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A cost plug-in whose cost function body is `body` (given `tf`, `f` and `a`). */
const cost = (name: string, reads: string[], body: string, ext = 'ts'): string =>
  write(
    `${name}.${ext}`,
    `import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost } from 'autonomy';
export default defineIntrinsicCost({ name: '${name}', description: 'test cost', reads: ${JSON.stringify(reads)}, cost: ({ f, a }) => ${body} });
`,
  );

const reach = getSim('reach');

describe('plug-in files outside the project', () => {
  it('load in TypeScript and JavaScript, importing autonomy and @tensorflow/tfjs from the running installation', async () => {
    const ts = cost('prefer-top', ['agent.y'], "tf.relu(tf.add(f['agent.y']!, 1))");
    const js = cost('prefer-bottom', ['agent.y'], "tf.relu(tf.sub(1, f['agent.y']))", 'js');
    const costs = await loadCostFiles([ts, js]);
    expect(costs.map((c) => [c.name, c.source])).toEqual([['prefer-top', ts], ['prefer-bottom', js]]);
    // The tensors they return are this installation's: the cost module's checks (instanceof tf.Tensor) accept them.
    expect(checkCosts(costs, reach)).toEqual([]);
  });

  it('find any other package the installation has (its folder has none), and say which is missing otherwise', async () => {
    const file = write(
      'deps.ts',
      "import * as core from '@tensorflow/tfjs-core';\nimport { z } from 'zod';\nimport { defineIntrinsicCost } from 'autonomy';\nconst name = z.string().parse('core-only');\nexport default defineIntrinsicCost({ name, description: 'x', reads: ['agent.x'], cost: ({ f }) => core.relu(f['agent.x']!) });\n",
    );
    expect(checkCosts([await loadCostFile(file)], reach)).toEqual([]);
    const missing = write('missing-dep.ts', "import pad from 'left-pad-not-installed';\nexport default pad;\n");
    await expect(loadCostFile(missing)).rejects.toThrow(/^cost file '.*missing-dep\.ts' threw while loading: Cannot find package 'left-pad-not-installed' imported from /);
  });

  it('loads the example plug-in in the repository', async () => {
    expect((await loadCostFile('docs/examples/keep-left.ts')).name).toBe('keep-left');
  });
});

describe('each plug-in mistake is one line naming the file and what would be right', () => {
  it('a missing file, a folder', async () => {
    await expect(loadCostFile(path.join(dir, 'missing.ts'))).rejects.toThrow(/^cost file '.*missing\.ts' does not exist \(looked for .*\); give the path of a \.ts or \.js file$/);
    await expect(loadCostFile(dir)).rejects.toThrow(/^cost file '.*' is a folder; give the file inside it that has `export default defineIntrinsicCost/);
  });

  it('no default export; a default export not made with defineIntrinsicCost', async () => {
    await expect(loadCostFile(write('none.ts', 'export const x = 1;\n'))).rejects.toThrow(/none\.ts' has no default export; write `export default defineIntrinsicCost\(\{ name, description, reads, cost \}\)` \(import \{ defineIntrinsicCost \} from 'autonomy'\)/);
    const plain = write('plain.ts', "export default { name: 'plain', description: 'x', reads: [], cost: () => null };\n");
    await expect(loadCostFile(plain)).rejects.toThrow(/plain\.ts': its default export was not made with defineIntrinsicCost; write `export default defineIntrinsicCost/);
  });

  it('a syntax error, with its line and column, in TypeScript and in JavaScript', async () => {
    const text = "import { defineIntrinsicCost } from 'autonomy';\nexport default defineIntrinsicCost({\n  name: 'x',,\n});\n";
    await expect(loadCostFile(write('syntax.ts', text))).rejects.toThrow(/^cost file '.*syntax\.ts' has a syntax error at line 3, column 13: Expected identifier but found ","$/);
    await expect(loadCostFile(write('syntax.js', text))).rejects.toThrow(/^cost file '.*syntax\.js' has a syntax error at line 3, column 13: /);
  });

  it('a file that throws while loading, and an invalid definition', async () => {
    await expect(loadCostFile(write('throws.ts', "throw new Error('no config found');\n"))).rejects.toThrow(/^cost file '.*throws\.ts' threw while loading: no config found$/);
    const bad = write('bad-name.ts', "import { defineIntrinsicCost } from 'autonomy';\nexport default defineIntrinsicCost({ name: 'Bad Name', description: 'x', reads: [], cost: ({ a }) => a });\n");
    await expect(loadCostFile(bad)).rejects.toThrow(/bad-name\.ts' threw while loading: intrinsic cost 'Bad Name': name must be kebab-case \(like 'goal-distance'\)/);
  });

  it('a cost that throws, returns the wrong shape, NaN or Infinity when evaluated', async () => {
    const check = async (file: string): Promise<string[]> => checkCosts([await loadCostFile(file)], reach);
    const throws = cost('throws-later', ['agent.x'], "{ throw new Error('not yet written'); }");
    await expect(check(throws)).rejects.toThrow(new RegExp(`^intrinsic cost 'throws-later' \\(${throws}\\) threw while evaluating: not yet written$`));
    const wide = cost('wide', ['ray.*'], "f['ray.*']!");
    await expect(check(wide)).rejects.toThrow(/^intrinsic cost 'wide' \(.*wide\.ts\) returned shape \[64, 8\]; expected \[64\] \(one value per batch row\); reduce each row to one value, e\.g\. tf\.sum\(x, 1\)$/);
    const nan = cost('nan', ['agent.x'], "tf.sqrt(tf.sub(f['agent.x']!, 10))");
    await expect(check(nan)).rejects.toThrow(/^intrinsic cost 'nan' \(.*nan\.ts\) returned NaN at batch row 0; costs must be finite/);
    const inf = cost('inf', ['agent.x'], "tf.div(1, tf.mul(f['agent.x']!, 0))");
    await expect(check(inf)).rejects.toThrow(/^intrinsic cost 'inf' \(.*inf\.ts\) returned (-)?Infinity at batch row 0; costs must be finite$/);
  });

  it('an unknown feature, and a feature read but not declared', async () => {
    const unknown = await loadCostFile(cost('unknown-feature', ['agent.z'], "f['agent.z']!"));
    expect(() => checkCosts([unknown], reach)).toThrow(/^intrinsic cost 'unknown-feature' \(.*\): reads unknown feature 'agent.z'; known features: agent\.x, agent\.y/);
    const undeclared = await loadCostFile(cost('undeclared', ['agent.x'], "tf.relu(f['agent.y']!)"));
    expect(() => checkCosts([undeclared], reach)).toThrow(/^intrinsic cost 'undeclared' \(.*undeclared\.ts\) reads feature 'agent\.y' but does not declare it: add 'agent\.y' to its reads \(it declares 'agent\.x'\)$/);
  });

  it('a name clash with a built-in or another plug-in', async () => {
    const clash = await loadCostFile(cost('energy', [], 'tf.sum(a, 1)'));
    expect(() => costRegistry([clash])).toThrow(/^intrinsic cost 'energy' \(.*energy\.ts\) clashes with the built-in cost of that name; cost names must be unique, so rename one$/);
    const twin = await loadCostFile(write('twin.ts', fs.readFileSync(cost('twin', [], 'tf.sum(a, 1)'), 'utf8')));
    const first = await loadCostFile(path.join(dir, 'twin.ts'));
    expect(() => costRegistry([first, twin])).toThrow(/^intrinsic cost 'twin' \(.*twin\.ts\) clashes with intrinsic cost 'twin' \(.*twin\.ts\)/);
  });

  it('warns (without refusing) when the gradient is missing or zero on every sample state', async () => {
    const constant = await loadCostFile(cost('constant', ['agent.x'], "tf.onesLike(f['agent.x']!)"));
    const zero = await loadCostFile(cost('flat-zero', ['agent.x'], "tf.mul(f['agent.x']!, 0)"));
    const warnings = checkCosts([constant, zero], reach);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning: intrinsic cost 'constant' \(.*constant\.ts\) has a zero gradient on all 64 sample states of 'reach': gradient planners \(gd, gd-hier\) cannot follow it/);
    expect(warnings[1]).toMatch(/^warning: intrinsic cost 'flat-zero'/);
  });
});

describe('sim files', () => {
  const simText = (extra: string): string => `import * as tf from '@tensorflow/tfjs';
import { defineIntrinsicCost, defineSim } from 'autonomy';
const sim = defineSim({
  name: 'my-reach', description: 'Reach a fixed goal.', arena: { width: 300, height: 300 }, maxSteps: 50, agentCount: 1,
  body: { radius: 10, maxAccel: 0.5, frictionAir: 0.1 }, sensors: { rays: 8, rayLength: 100, grid: { size: 8, cell: 10 } },
  build: (rng) => ({ walls: [], agents: [{ x: rng.uniform(50, 100), y: 150 }], goals: [{ x: 250, y: 150 }], blocks: [], targets: [], food: [], meta: {} }),
  success: (state) => Math.hypot(state.agents[0]!.x - 250, state.agents[0]!.y - 150) < 15,
  suggestedCosts: [{ name: 'goal-distance', weight: 1 }],
  scripted: () => () => [new Float32Array([1, 0])],
  ${extra}
});
export default sim;
`;

  it('load with defineSim from autonomy, with costs of their own labelled by the file', async () => {
    const own = "costs: [defineIntrinsicCost({ name: 'stay-low', description: 'Height above the floor.', reads: ['agent.y'], cost: ({ f }) => tf.relu(tf.neg(f['agent.y']!)) })],";
    const file = write('my-reach.ts', simText(own));
    const sim = await loadSimFile(file);
    expect(sim.name).toBe('my-reach');
    expect(sim.costs?.map((c) => [c.name, c.source])).toEqual([['stay-low', file]]);
    expect(checkCosts(sim.costs!, sim)).toEqual([]);
  });

  it('refuse a default export not made with defineSim, and a sim that fails the env check, naming the file', async () => {
    const plain = write('plain-sim.ts', 'export default { name: "x" };\n');
    await expect(loadSimFile(plain)).rejects.toThrow(/^sim file '.*plain-sim\.ts': its default export was not made with defineSim; write `export default defineSim\(/);
    const broken = write('broken-sim.ts', simText('').replace('agentCount: 1', 'agentCount: 1.5'));
    await expect(loadSimFile(broken)).rejects.toThrow(/^sim 'my-reach' \(.*broken-sim\.ts\) fails the env check: /);
    const costs = write('bad-costs-sim.ts', simText('costs: [{ name: "x" }],'));
    await expect(loadSimFile(costs)).rejects.toThrow(/^sim 'my-reach' \(.*bad-costs-sim\.ts\): costs must be an array of costs made with defineIntrinsicCost$/);
  });
});
