export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in milliseconds; all zero for an empty sample. */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const count = sorted.length;
  if (count === 0) return { count, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  let sum = 0;
  for (const value of sorted) sum += value;
  const rank = (p: number): number => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))];
  return { count, mean: sum / count, p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted[count - 1] };
}
