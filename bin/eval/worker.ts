// The evaluation worker: initialises tfjs once per thread, then runs the episodes it is sent.
import { initBackend } from '../../agent/tensor/backend.ts';
import { runEvalEpisode, taskPlugins, type EpisodeOutcome, type EpisodeTask } from './episodes.ts';

let ready: Promise<unknown> | null = null;

export default async function evaluateEpisode(task: EpisodeTask & { backend: string }): Promise<EpisodeOutcome> {
  ready ??= initBackend(task.backend);
  await ready;
  return runEvalEpisode(task, await taskPlugins(task));
}
