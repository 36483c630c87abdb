// `autonomy list`: the registered sims (and intrinsic costs) with one-line descriptions.
import type { Command } from 'commander';
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
      if (opts.json) {
        console.log(JSON.stringify({ sims: simRows }));
        return;
      }
      console.log('Sims');
      console.log(formatTable(['name', 'agents', 'steps', 'description'], simRows.map((s) => [s.name, s.agents, s.maxSteps, s.description])));
    });
}
