// Random shooting, the simplest sampling planner: score batches of uniformly random sequences, keep the cheapest.
import { Rng } from '../../../world/rng.ts';
import { BestPlan, checkPlanInputs, deadline, evaluateCosts, startPlan, type PlanningProblem, type PlanOptions, type PlanResult } from './objective.ts';

/**
 * Each iteration scores B sequences drawn uniformly from [-1, 1]^(H*A); in the first, candidate 0 is the warm start
 * (or a = 0). Nothing is refitted between iterations: the cheapest sequence scored is returned.
 */
export function planRandomShooting(problem: PlanningProblem, options: PlanOptions): PlanResult {
  checkPlanInputs('planRandomShooting', problem, options);
  const { candidates: B, iterations: maxIterations } = options;
  const width = problem.horizon * problem.actionSize;
  const timer = deadline(options.timeBudgetMs);
  const rng = new Rng(options.seed);
  const start = startPlan(problem, options.init);
  const best = new BestPlan(start);
  let iterations = 0;
  while (iterations < maxIterations) {
    const samples = new Float32Array(B * width);
    for (let i = 0; i < samples.length; i++) samples[i] = rng.uniform(-1, 1);
    if (iterations === 0) samples.set(start);
    iterations++;
    best.offer(evaluateCosts(problem, samples, B), samples);
    if (timer.passed()) break;
  }
  return { actions: best.actions, cost: best.cost, iterations, modelEvals: iterations * B * problem.horizon };
}
