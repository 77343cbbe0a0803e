import { Test } from '@nestjs/testing';
import { MetricsController, MetricsHttpModule, MetricsModule } from './metrics.module';
import { PhoneMetrics, reasonLabel, WorkpointMetrics } from './workpoint-metrics';

describe('WorkpointMetrics', () => {
  it('bounds the reason label: known reasons as sent, anything else other, nothing parsed none', () => {
    expect(reasonLabel('start-up')).toBe('start-up');
    expect(reasonLabel('reply-to')).toBe('reply-to');
    expect(reasonLabel('x'.repeat(60))).toBe('other');
    expect(reasonLabel(undefined)).toBe('none');
  });

  it('counts an answered phone request and its duration in the histogram', async () => {
    const metrics = new WorkpointMetrics({ processMetrics: false });
    metrics.phone.answered('start-up', 'ReadAllItems', performance.now() - 20);
    metrics.phone.answered('made-up-reason', 'CleanUp', performance.now());
    metrics.phone.overload('timeout');
    const text = await metrics.registry.metrics();
    expect(text).toContain('workpoint_phone_requests_total{reason="start-up",answer="ReadAllItems"} 1');
    expect(text).toContain('workpoint_phone_requests_total{reason="other",answer="CleanUp"} 1');
    expect(text).toContain('workpoint_phone_exchange_duration_seconds_count{reason="start-up"} 1');
    // 20 ms is over the 10 ms bucket and within the 25 ms one.
    expect(text).toContain('workpoint_phone_exchange_duration_seconds_bucket{le="0.01",reason="start-up"} 0');
    expect(text).toContain('workpoint_phone_exchange_duration_seconds_bucket{le="0.025",reason="start-up"} 1');
    expect(text).toContain('workpoint_phone_overload_cleanups_total{cause="timeout"} 1');
  });

  it('counts retries and dead letters per group and topic', async () => {
    const metrics = new WorkpointMetrics({ processMetrics: false });
    metrics.delivery.retried('workpoint-inventory.t', 't', 'transient');
    metrics.delivery.deadLettered('workpoint-inventory.t', 't', 'permanent-failure');
    const text = await metrics.registry.metrics();
    expect(text).toContain('workpoint_handler_retries_total{group="workpoint-inventory.t",topic="t",failure="transient"} 1');
    expect(text).toContain('workpoint_dead_letters_total{group="workpoint-inventory.t",topic="t",code="permanent-failure"} 1');
  });

  it('has Node\'s process metrics unless turned off', async () => {
    expect(await new WorkpointMetrics().registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await new WorkpointMetrics({ processMetrics: false }).registry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });

  it('gives the process\'s instance to a Nest app, and /metrics serves its registry', async () => {
    const metrics = new WorkpointMetrics({ processMetrics: false });
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule.forRoot(metrics), MetricsHttpModule] }).compile();
    expect(moduleRef.get(PhoneMetrics)).toBe(metrics.phone);
    metrics.phone.overload('publish-failed');
    expect(await moduleRef.get(MetricsController).scrape()).toContain('workpoint_phone_overload_cleanups_total{cause="publish-failed"} 1');
  });
});
