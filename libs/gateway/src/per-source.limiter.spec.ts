import { PerSourceLimiter } from './per-source.limiter';

describe('PerSourceLimiter', () => {
  it('admits up to the limit per source, and each source on its own', () => {
    const limiter = new PerSourceLimiter(2);
    const a1 = limiter.tryAcquire('10.0.0.1');
    const a2 = limiter.tryAcquire('10.0.0.1');
    expect([a1, a2].every((release) => typeof release === 'function')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1')).toBeUndefined();
    expect(limiter.tryAcquire('10.0.0.2')).toBeDefined();
    expect(limiter.inFlightOf('10.0.0.1')).toBe(2);
  });

  it('frees a slot on release, and a second release of the same slot frees nothing more', () => {
    const limiter = new PerSourceLimiter(2);
    const first = limiter.tryAcquire('10.0.0.1')!;
    limiter.tryAcquire('10.0.0.1');
    first();
    first();
    expect(limiter.inFlightOf('10.0.0.1')).toBe(1);
    expect(limiter.tryAcquire('10.0.0.1')).toBeDefined();
    expect(limiter.tryAcquire('10.0.0.1')).toBeUndefined();
  });

  it('forgets a source once nothing of it is in flight, so the map holds only busy addresses', () => {
    const limiter = new PerSourceLimiter(1000);
    const releases = Array.from({ length: 500 }, (_, i) => limiter.tryAcquire(`10.0.${i >> 8}.${i & 255}`)!);
    expect(limiter.sources).toBe(500);
    for (const release of releases) release();
    expect(limiter.sources).toBe(0);
  });

  it('lets a 500-phone office behind one NAT address start at once with the default of 1000', () => {
    const limiter = new PerSourceLimiter(1000);
    const admitted = Array.from({ length: 500 }, () => limiter.tryAcquire('198.51.100.7')).filter((release) => release !== undefined);
    expect(admitted).toHaveLength(500);
  });
});
