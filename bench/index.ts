// `npm run bench`: every benchmark of the project, each against a baseline measured in the same run.
import { formatTable } from '../agent/harness/table.ts';
import { initBackend } from '../agent/tensor/backend.ts';
import { benchAgent } from './agent.ts';
import { benchDecisions } from './decisions.ts';
import { benchPlanners } from './planners.ts';
import { benchQueue } from './queue.ts';
import { benchVector } from './vector.ts';
import { benchWorld } from './world.ts';
import { benchWorldModel } from './world-model.ts';

const ms = (v: number): string => v.toFixed(3);

console.log('World: random agent, env steps/s vs bare matter-js Engine.update on the same bodies');
const world = benchWorld();
console.log(
  formatTable(
    ['sim', 'bodies', 'env steps/s', 'bare steps/s', 'env/bare'],
    world.map((r) => [r.sim, r.bodies, Math.round(r.envStepsPerSecond), Math.round(r.bareStepsPerSecond), r.ratio.toFixed(2)]),
  ),
);

console.log('\nAgent: Mode-1 ms per decision in reach (perception + configurator + actor, batch 1)');
console.log('baseline: a bare 64→256→256→2 MLP forward on the same backend in the same run');
const agent = await benchAgent();
console.log(
  formatTable(
    ['backend', 'decision median', 'decision p95', 'bare forward median', 'decision/bare'],
    agent.map((r) => [r.backend, ms(r.decision.median), ms(r.decision.p95), ms(r.bareForward.median), (r.decision.median / r.bareForward.median).toFixed(2)]),
  ),
);

console.log('\nWorld model: training throughput at batch 256 sub-sequences of 9 ticks (reach)');
const wm = await benchWorldModel();
const cpu = wm.find((r) => r.backend === 'cpu');
console.log(
  formatTable(
    ['backend', 'ms/step', 'transitions/s', 'vs cpu'],
    wm.map((r) => [r.backend, r.msPerStep.toFixed(1), Math.round(r.transitionsPerSecond), cpu ? (r.transitionsPerSecond / cpu.transitionsPerSecond).toFixed(2) : '-']),
  ),
);

await initBackend('wasm');
console.log('\nPlanners: ms per cold decision at H=16, B=16, 20 iterations, latent 32, hidden 128 (wasm)');
console.log('baseline: gd-naive, the same GD loop with plain autodiff and tf.train.adam, in the same run');
const planners = benchPlanners();
const naive = planners.find((r) => r.method === 'gd-naive')!;
console.log(
  formatTable(
    ['method', 'median ms', 'p95 ms', 'model evals', 'naive/method'],
    planners.map((r) => [r.method, ms(r.median), ms(r.p95), r.modelEvals, (naive.median / r.median).toFixed(2)]),
  ),
);

for (const simName of ['reach', 'two-rooms', 'push']) {
  console.log(`\nDecisions in ${simName} with the shipped checkpoint (Mode-2: ≤ 20 iterations cold, ≤ 4 warm-started, no time budget; Mode-1 is the baseline)`);
  const decisions = benchDecisions(simName);
  if (!decisions) console.log(`no checkpoint ships for ${simName}: run the command in docs/planning.md first`);
  else {
    const mode1 = decisions.find((r) => r.agent === 'mode1')!;
    console.log(
      formatTable(
        ['agent', 'planner', 'median ms', 'p95 ms', 's per 200-step episode', 'median / Mode-1'],
        decisions.map((r) => [r.agent, r.planner ?? '-', ms(r.median), ms(r.p95), r.episodeSeconds.toFixed(2), (r.median / mode1.median).toFixed(1)]),
      ),
    );
  }
}

await initBackend('wasm');
console.log('\nHeadless throughput in reach over N worlds in lockstep (wasm); each ratio against its baseline in this run');
console.log('mode1: the run command\'s path per tick vs the batched path; random, scripted and collection: vs the bare env');
console.log(
  formatTable(
    ['what', 'envs', 'steps/s', 'ratio', 'baseline'],
    benchVector().map((r) => [r.what, r.envs ?? 'per tick', Math.round(r.stepsPerSecond), r.ratio.toFixed(2), r.baseline]),
  ),
);

console.log('\nQueue: Mode-1 evaluation episodes/s in reach through `autonomy eval` (wasm), on the local pool and on a Redis queue');
console.log('each rate from two runs of 10 and 60 episodes (what a run spends once cancels out); baseline: the local pool with as many threads');
const queue = await benchQueue();
if (typeof queue === 'string') console.log(queue);
else {
  const pool = (workers: number): number => queue.rows.find((r) => r.transport === 'local pool' && r.workers === workers)!.episodesPerSecond;
  console.log(
    formatTable(
      ['transport', 'workers', 'episodes/s', 'ms/episode', 'vs local pool'],
      queue.rows.map((r) => [r.transport, r.workers, r.episodesPerSecond.toFixed(1), r.msPerEpisode.toFixed(1), (r.episodesPerSecond / pool(r.workers)).toFixed(2)]),
    ),
  );
  const scripted = queue.scriptedMsPerEpisode;
  console.log(`queue overhead per job, on scripted episodes (20 and 420), one worker against one pool thread: ${queue.overheadMsPerJob.toFixed(1)} ms (${scripted.queue.toFixed(1)} against ${scripted.pool.toFixed(1)} ms per episode)`);
}
