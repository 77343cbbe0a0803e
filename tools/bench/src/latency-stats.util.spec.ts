import { latencyStats } from './latency-stats.util';

describe('latencyStats', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1
    expect(latencyStats(samples)).toEqual({ count: 200, mean: 100.5, p50: 100, p95: 190, p99: 198, max: 200 });
  });

  it('gives the one value for a single sample and zeros for none', () => {
    expect(latencyStats([7])).toEqual({ count: 1, mean: 7, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(latencyStats([])).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
