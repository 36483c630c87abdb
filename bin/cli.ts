// The `autonomy` command line: list sims, run agents; errors print one clear line and exit non-zero.
import { Command } from 'commander';
import { registerAblate } from './commands/ablate.ts';
import { registerEval } from './commands/eval.ts';
import { registerList } from './commands/list.ts';
import { registerRun } from './commands/run.ts';
import { registerView } from './commands/view.ts';
import { registerTrain } from './commands/train.ts';

const program = new Command()
  .name('autonomy')
  .description('Agents of the modular architecture for autonomous intelligence, in a matter-js world')
  .showHelpAfterError('(run with --help for usage)');

registerList(program);
registerRun(program);
registerView(program);
registerTrain(program);
registerAblate(program);
registerEval(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`autonomy: error: ${(e as Error).message}`);
  process.exitCode = 1;
}
