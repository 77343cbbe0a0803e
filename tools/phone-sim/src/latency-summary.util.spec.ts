import { summarizeLatencies } from './latency-summary.util';

describe('summarizeLatencies', () => {
  it('uses nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarizeLatencies(samples)).toEqual({ count: 100, mean: 50.5, p50: 50, p90: 90, p95: 95, p99: 99, max: 100 });
  });

  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1
    expect(summarizeLatencies(samples)).toEqual({ count: 200, mean: 100.5, p50: 100, p90: 180, p95: 190, p99: 198, max: 200 });
  });

  it('handles a single sample and an empty sample', () => {
    expect(summarizeLatencies([7])).toEqual({ count: 1, mean: 7, p50: 7, p90: 7, p95: 7, p99: 7, max: 7 });
    expect(summarizeLatencies([])).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });
});
