// One progress display for a command's jobs: a bar on a terminal; piped, a line at every tenth when the jobs run on a queue (where a run is long and remote).
import cliProgress from 'cli-progress';

export interface Progress {
  /** One more job done. */
  tick(): void;
  stop(): void;
}

/**
 * @param label what runs, e.g. `eval reach`
 * @param unit what is counted, e.g. `episodes`
 * @param lines print plain lines at every tenth when stderr is not a terminal
 */
export function progress(label: string, total: number, unit: string, options: { quiet?: boolean; lines?: boolean }): Progress {
  if (options.quiet) return { tick: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} {bar} {value}/{total} ${unit}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  if (!options.lines) return { tick: () => {}, stop: () => {} };
  let done = 0;
  const every = Math.max(1, Math.round(total / 10));
  return {
    tick: () => {
      done++;
      if (done % every === 0 || done === total) console.error(`${label}: ${done}/${total} ${unit}`);
    },
    stop: () => {},
  };
}
