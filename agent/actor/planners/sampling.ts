// Sampling planners on the same problem: the cross-entropy method (CEM) and MPPI; only the rollouts are tensor work.
import { Rng } from '../../../world/rng.ts';
import { BestPlan, checkPlanInputs, deadline, evaluateCosts, startPlan, type PlanningProblem, type PlanOptions, type PlanResult } from './objective.ts';

export const CEM_DEFAULTS = {
  /** Initial std of the sampling Gaussian. */
  noise: 0.5,
  /** Elites as a share of the candidates when `elites` is not given (at least 2). */
  eliteShare: 0.25,
  /** Floor on the refitted std, so the search never collapses to a point. */
  minStd: 0.05,
} as const;

export const MPPI_DEFAULTS = {
  /** Std of the samples around the mean. */
  noise: 0.3,
  /** Weights exp(−(cost − min cost)/temperature), in the units of the problem's cost. */
  temperature: 0.1,
} as const;

/**
 * One sampling round: row 0 is the mean itself, rows 1..B-1 are mean + std·ε clipped to [-1, 1]; all are scored and
 * offered to `best`. @param mean [W] @param std [W] @returns samples [B*W] and their costs [B]
 */
function sampleAndScore(problem: PlanningProblem, mean: Float32Array, std: Float32Array, B: number, rng: Rng, best: BestPlan): { samples: Float32Array; costs: Float32Array } {
  const width = mean.length;
  const samples = new Float32Array(B * width);
  samples.set(mean);
  for (let r = 1; r < B; r++) {
    for (let i = 0; i < width; i++) samples[r * width + i] = Math.min(1, Math.max(-1, mean[i]! + std[i]! * rng.normal()));
  }
  const costs = evaluateCosts(problem, samples, B);
  best.offer(costs, samples);
  return { samples, costs };
}

/**
 * The loop both sampling planners share: sample B sequences around the mean (the mean itself is candidate 0), score
 * them, keep the best seen, and let `update` move the mean and std, until the iterations or the time budget run out.
 */
function samplingPlanner(
  name: string,
  problem: PlanningProblem,
  options: PlanOptions,
  noise: number,
  update: (samples: Float32Array, costs: Float32Array, mean: Float32Array, std: Float32Array) => void,
): PlanResult {
  checkPlanInputs(name, problem, options);
  const { candidates: B, iterations: maxIterations } = options;
  const timer = deadline(options.timeBudgetMs);
  const rng = new Rng(options.seed);
  const mean = startPlan(problem, options.init);
  const std = new Float32Array(mean.length).fill(noise);
  const best = new BestPlan(mean);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const { samples, costs } = sampleAndScore(problem, mean, std, B, rng, best);
    if (iterations === maxIterations || timer.passed()) break;
    update(samples, costs, mean, std);
  }
  return { actions: best.actions, cost: best.cost, iterations, modelEvals: iterations * B * problem.horizon };
}

/**
 * Cross-entropy method: sample B sequences from a diagonal Gaussian over [H*A], refit it to the `elites` cheapest, repeat.
 * The mean starts at the warm start (or 0) and is itself candidate 0 of every round; the best sample seen is returned.
 */
export function planCEM(problem: PlanningProblem, options: PlanOptions): PlanResult {
  const elites = Math.min(options.candidates, options.elites ?? Math.max(2, Math.round(options.candidates * CEM_DEFAULTS.eliteShare)));
  return samplingPlanner('planCEM', problem, options, options.noise ?? CEM_DEFAULTS.noise, (samples, costs, mean, std) => {
    const width = mean.length;
    // Refit mean and std to the elites (ties broken by row, so the order is deterministic).
    const order = Array.from(costs.keys())
      .sort((i, j) => costs[i]! - costs[j]! || i - j)
      .slice(0, elites);
    for (let i = 0; i < width; i++) {
      let sum = 0;
      let sumSq = 0;
      for (const r of order) {
        const x = samples[r * width + i]!;
        sum += x;
        sumSq += x * x;
      }
      mean[i] = sum / elites;
      std[i] = Math.max(CEM_DEFAULTS.minStd, Math.sqrt(Math.max(0, sumSq / elites - mean[i]! ** 2)));
    }
  });
}

/**
 * MPPI: sample B sequences around the mean with a fixed std, weight them by softmax(−cost/temperature), move the
 * mean to the weighted average, repeat. The mean is candidate 0 of every round; the best sequence scored is returned.
 */
export function planMPPI(problem: PlanningProblem, options: PlanOptions): PlanResult {
  const temperature = options.temperature ?? MPPI_DEFAULTS.temperature;
  return samplingPlanner('planMPPI', problem, options, options.noise ?? MPPI_DEFAULTS.noise, (samples, costs, mean) => {
    const B = costs.length;
    const width = mean.length;
    // Softmax weights (shifted by the minimum for stability; non-finite costs weigh 0).
    let low = Infinity;
    for (const c of costs) if (c < low) low = c;
    if (!Number.isFinite(low)) return;
    const weights = new Float64Array(B);
    let total = 0;
    for (let r = 0; r < B; r++) {
      weights[r] = Number.isFinite(costs[r]!) ? Math.exp(-(costs[r]! - low) / temperature) : 0;
      total += weights[r]!;
    }
    // The weighted average of the samples is the new mean.
    mean.fill(0);
    for (let r = 0; r < B; r++) {
      const w = weights[r]! / total;
      if (w === 0) continue;
      for (let i = 0; i < width; i++) mean[i] = mean[i]! + w * samples[r * width + i]!;
    }
  });
}
