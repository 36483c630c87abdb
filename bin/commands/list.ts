// `autonomy list`: the registered sims with the features their observations offer, and the intrinsic costs (built-in, or a sim's own).
import type { Command } from 'commander';
import { builtinCosts } from '../../agent/cost/builtins.ts';
import { sims } from '../../sims/index.ts';
import { Env } from '../../world/env.ts';
import { formatTable } from '../../agent/harness/table.ts';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list the sims and intrinsic costs')
    .option('--json', 'print one JSON object on the last line of stdout')
    .action((opts: { json?: boolean }) => {
      const simRows = Object.values(sims).map((s) => ({
        name: s.name,
        description: s.description,
        agents: s.agentCount,
        maxSteps: s.maxSteps,
        suggestedCosts: s.suggestedCosts,
        features: new Env(s).observationLayout.names,
      }));
      const costRows = [
        ...builtinCosts.map((c) => ({ name: c.name, sim: 'built-in', description: c.description })),
        ...Object.values(sims).flatMap((s) => (s.costs ?? []).map((c) => ({ name: c.name, sim: s.name, description: c.description }))),
      ];
      if (opts.json) {
        console.log(JSON.stringify({ sims: simRows, costs: costRows }));
        return;
      }
      console.log('Sims');
      console.log(formatTable(['name', 'agents', 'steps', 'description'], simRows.map((s) => [s.name, s.agents, s.maxSteps, s.description])));
      console.log('\nFeatures a cost can read (`reads`), per sim');
      console.log(formatTable(['sim', 'features'], simRows.map((s) => [s.name, summarizeFeatures(s.features)])));
      console.log('\nIntrinsic costs');
      console.log(formatTable(['name', 'from', 'description'], costRows.map((c) => [c.name, c.sim, c.description])));
      console.log('\nA cost of your own: docs/intrinsic-costs.md; a sim of your own: docs/sims.md (`autonomy run ./my-sim.ts`).');
    });
}

/** Feature names grouped by prefix: `agent.{x,y}`, `ray.0…7`, `grid`. */
function summarizeFeatures(names: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const dot = name.indexOf('.');
    const prefix = dot < 0 ? name : name.slice(0, dot);
    groups.set(prefix, [...(groups.get(prefix) ?? []), dot < 0 ? '' : name.slice(dot + 1)]);
  }
  return [...groups]
    .map(([prefix, rest]) => {
      if (rest.length === 1 && rest[0] === '') return prefix;
      if (rest.every((r) => /^\d+$/.test(r))) return `${prefix}.${rest[0]}…${rest.at(-1)}`;
      return rest.length === 1 ? `${prefix}.${rest[0]}` : `${prefix}.{${rest.join(',')}}`;
    })
    .join(' ');
}
