// The layer rules in eslint.config.js: a forbidden import fails lint with the rule in words; an allowed one passes.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** The no-restricted-imports messages lint gives `source` as if it were the file at `filePath`. */
async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const _used = x;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['world/x.ts', "import { x } from '../agent/agent.ts';", /world\/ is the bottom layer: it imports nothing of ours/],
    ['world/x.ts', "import { x } from '../sims/index.ts';", /world\/ is the bottom layer/],
    ['agent/training/x.ts', "import { x } from '../../sims/index.ts';", /agent\/ imports only world\//],
    ['agent/x.ts', "import { x } from '../bin/options.ts';", /agent\/ imports only world\//],
    ['agent/actor/planners/x.ts', "import { x } from '../../../viewer/protocol.ts';", /agent\/ imports only world\//],
    ['sims/x.ts', "import { x } from '../agent/agent.ts';", /sims\/ imports only world\/ and the cost API, agent\/cost\/index\.ts/],
    ['sims/push/x.ts', "import { x } from '../../agent/memory/short-term-memory.ts';", /sims\/ imports only world\//],
    ['viewer/server/x.ts', "import { x } from '../../bin/options.ts';", /viewer\/ never imports bin\//],
    ['bench/x.ts', "import { x } from '../bin/options.ts';", /bench\/ never imports bin\//],
    ['sims/x.ts', "import { x } from '../agent/cost/intrinsic.ts';", /sims\/ imports only world\/ and the cost API, agent\/cost\/index\.ts/],
    ['agent/actor/x.ts', "import { x } from '../cost/cost-module.ts';", /module rule: one agent module reaches another only through agent\/ports\.ts or that module's index\.ts/],
    ['agent/actor/planners/x.ts', "import { x } from '../../world-model/h-jepa.ts';", /module rule/],
    ['agent/agent.ts', "import { x } from './memory/short-term-memory.ts';", /module rule/],
    ['agent/training/x.ts', "import { x } from '../perception/encoder.ts';", /module rule/],
  ])('refuses %s importing %s', async (file, source, message) => {
    const errors = await layerErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['world/x.ts', "import { x } from './env.ts';"],
    ['agent/training/x.ts', "import { x } from '../../world/env.ts';"],
    ['agent/training/x.ts', "import { x } from '../harness/policies.ts';"],
    ['sims/x.ts', "import { x } from '../agent/cost/index.ts';"],
    ['agent/actor/x.ts', "import { x } from '../cost/index.ts';"],
    ['agent/actor/x.ts', "import { x } from './planners/gradient.ts';"],
    ['agent/agent.ts', "import { x } from './ports.ts';"],
    ['agent/world-model/fast/x.ts', "import { x } from '../../world/rng.ts';"],
    ['sims/push/x.ts', "import { x } from '../../world/sim.ts';"],
    ['viewer/server/x.ts', "import { x } from '../../agent/harness/policies.ts';"],
    ['bench/x.ts', "import { x } from '../sims/index.ts';"],
    ['bin/commands/x.ts', "import { x } from '../options.ts';"],
  ])('allows %s importing %s', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});
