import { Counter, Registry } from 'prom-client';
import { PolledGauge } from './polled-gauge';

describe('PolledGauge', () => {
  let now = 0;
  const setup = (cacheMs = 1000, timeoutMs = 50) => {
    const registry = new Registry();
    const failures = new Counter({ name: 'failures_total', help: 'h', labelNames: ['gauge'], registers: [registry] });
    const gauge = new PolledGauge(registry, { name: 'depth', help: 'h', labelNames: ['service'], cacheMs, timeoutMs }, failures, () => now);
    return { registry, gauge, failures };
  };
  const value = async (registry: Registry, service: string) => (await registry.getSingleMetric('depth')!.get()).values.find((v) => v.labels['service'] === service)?.value;

  it('reads every source on a scrape and reuses the reading until the cache expires', async () => {
    const { registry, gauge } = setup();
    let reads = 0;
    gauge.addSource('a', async () => [{ labels: { service: 'a' }, value: ++reads }]);
    gauge.addSource('b', async () => [{ labels: { service: 'b' }, value: 7 }]);
    expect(await value(registry, 'a')).toBe(1);
    expect(await value(registry, 'b')).toBe(7);
    now += 999;
    expect(await value(registry, 'a')).toBe(1);
    now += 1;
    expect(await value(registry, 'a')).toBe(2);
  });

  it('ignores a second source under the same id, and forgets a removed one', async () => {
    const { registry, gauge } = setup();
    const remove = gauge.addSource('outbox:inventory', async () => [{ labels: { service: 'inventory' }, value: 3 }]);
    gauge.addSource('outbox:inventory', async () => [{ labels: { service: 'inventory' }, value: 99 }]);
    expect(await value(registry, 'inventory')).toBe(3);
    remove();
    now += 5000;
    expect(await value(registry, 'inventory')).toBeUndefined();
  });

  it('shows no value and counts a failure when a read fails or hangs, without failing the scrape', async () => {
    const { registry, gauge, failures } = setup();
    gauge.addSource('down', () => Promise.reject(new Error('connection refused')));
    gauge.addSource('hung', () => new Promise(() => undefined));
    gauge.addSource('up', async () => [{ labels: { service: 'up' }, value: 1 }]);
    const text = await registry.metrics();
    expect(text).toContain('depth{service="up"} 1');
    expect(text).not.toContain('service="down"');
    expect((await failures.get()).values).toEqual([{ labels: { gauge: 'depth' }, value: 2 }]);
  });
});
