// `autonomy list`: the registered sims and the intrinsic costs (built-in, or a sim's own) with one-line descriptions.
import type { Command } from 'commander';
import { builtinCosts } from '../../agent/cost/builtins.ts';
import { sims } from '../../sims/index.ts';
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
      console.log('\nIntrinsic costs');
      console.log(formatTable(['name', 'from', 'description'], costRows.map((c) => [c.name, c.sim, c.description])));
    });
}
