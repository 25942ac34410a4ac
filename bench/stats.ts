/** Small statistics helpers for the benchmark. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Latencies (ms) of `n` sequential calls after `warmup` unmeasured ones. */
export async function sequentialLatency(call: () => Promise<unknown>, n: number, warmup: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmup; i++) await call();
  const samples: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Calls per second with `concurrency` workers sharing `total` calls. */
export async function throughput(call: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await call();
    }
  };
  // warm-up
  await Promise.all(Array.from({ length: concurrency }, () => call()));
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return total / seconds;
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
