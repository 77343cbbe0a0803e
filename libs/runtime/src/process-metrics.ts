import type { Bus } from '@workpoint/messaging';
import { WorkpointMetrics } from '@workpoint/metrics';

/**
 * The metrics of one process, built once before its Nest apps (like its bus and logger), with
 * its bus's consumer lag as a polled gauge (read on a scrape, cached METRICS_GAUGE_CACHE_SECONDS).
 */
export function createProcessMetrics(env: { METRICS_GAUGE_CACHE_SECONDS: number }): WorkpointMetrics {
  return new WorkpointMetrics({ gauges: { cacheMs: env.METRICS_GAUGE_CACHE_SECONDS * 1000 } });
}

/** Shows the bus's consumer lag (Kafka: from the broker's offsets; in-process: messages queued) in `workpoint_consumer_lag_messages`. */
export function watchConsumerLag(metrics: WorkpointMetrics, bus: Bus): void {
  const { lag } = bus;
  if (!lag) return;
  metrics.delivery.lag.addSource('bus', async () => (await lag.call(bus)).map((l) => ({ labels: { group: l.groupId, topic: l.topic }, value: l.messages })));
}
