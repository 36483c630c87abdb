// The Wilson score interval of a success rate: a 95 % interval that stays inside [0, 1] and is honest at 0 % and 100 %.

/** z of a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/** @returns [low, high] of the 95 % Wilson interval for `successes` out of `trials` ([0, 1] when there are none) */
export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
