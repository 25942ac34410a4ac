/** The one statistic the benchmark reports: nearest-rank percentiles of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** What a latency phase reports of one contender: p50 and p99 over all its samples, CPU per call. */
export function latencySummary(samples: readonly number[], cpuUs: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    clientCpuUsPerCall: cpuUs / samples.length,
  };
}
