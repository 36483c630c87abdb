// The `autonomy` command line: list sims, run agents; errors print one clear line (a stack trace only with --debug) and exit non-zero.
import { Command } from 'commander';
import { registerAblate } from './commands/ablate.ts';
import { registerEval } from './commands/eval.ts';
import { registerList } from './commands/list.ts';
import { registerRun } from './commands/run.ts';
import { registerView } from './commands/view.ts';
import { registerTrain } from './commands/train.ts';
import { registerWorker } from './commands/worker.ts';
import { registerQueue } from './commands/queue.ts';
import { registerSweep } from './commands/sweep.ts';
import { scrubAll } from './queue/url.ts';

const program = new Command()
  .name('autonomy')
  .description('Agents of the modular architecture for autonomous intelligence, in a matter-js world')
  .option('--debug', 'print the stack trace of an error, not only its message')
  .showHelpAfterError('(run with --help for usage)');

const debug = process.argv.includes('--debug');

/** One line saying what went wrong; the stack trace too with --debug. */
function report(e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  // A queue's password never reaches the terminal, whichever library's message carries it.
  console.error(`autonomy: error: ${scrubAll(error.message)}`);
  if (debug && error.stack) console.error(scrubAll(error.stack));
}

// Errors thrown outside the command's own flow (a server's event, a timer) are reported the same way.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    report(e);
    process.exit(1);
  });
}

registerList(program);
registerRun(program);
registerView(program);
registerTrain(program);
registerAblate(program);
registerEval(program);
registerSweep(program);
registerWorker(program);
registerQueue(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  report(e);
  process.exitCode = 1;
}
