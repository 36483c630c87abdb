// Median and 95th percentile of a sample, for latency summaries.

/** Median and 95th percentile (nearest rank); both 0 for an empty sample. */
export function percentiles(values: readonly number[]): { median: number; p95: number } {
  if (values.length === 0) return { median: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}
