import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkpointMetrics } from './workpoint-metrics';

/** deploy/grafana/workpoint.json: every expression names only metrics a Workpoint process exposes. */
const DASHBOARD = join(__dirname, '../../../deploy/grafana/workpoint.json');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/** PromQL's own words: functions, aggregations and their modifiers. */
const PROMQL = new Set(['sum', 'max', 'min', 'avg', 'count', 'by', 'without', 'rate', 'increase', 'irate', 'histogram_quantile', 'topk', 'bottomk', 'offset', 'and', 'or', 'unless', 'on', 'ignoring']);

/** The metric names of an expression: identifiers outside label matchers, ranges, strings and `by (…)`, that PromQL does not know. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/[A-Za-z_:][\w:]*/g)].map((m) => m[0]).filter((word) => !PROMQL.has(word));
}

/** Every series name a process exposes: counters and gauges as named, histograms with their _bucket, _sum and _count. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = await new WorkpointMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((m) => (String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])));
}

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; uid: string };
  const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('has a panel for each part of the brief', () => {
    const titles = dashboard.panels.map((p) => p.title).join(' | ');
    for (const part of [/requests by reason and answer/, /p50 \/ p99/, /Overload/, /Dead letters/, /lag/i, /Outbox/, /Contact-me queue/, /Jobs queued/, /Jobs completed/, /drift and faults/]) expect(titles).toMatch(part);
    expect(targets.length).toBeGreaterThan(10);
  });

  it('names only metrics that exist', async () => {
    const exposed = await exposedNames();
    const unknown = targets.flatMap(({ panel, expr }) => metricNames(expr).filter((name) => !exposed.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('finds the metric names in an expression (and so would catch a misspelt one)', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, reason) (rate(workpoint_phone_exchange_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))')).toEqual([
      'workpoint_phone_exchange_duration_seconds_bucket',
    ]);
    expect(metricNames('max by (state) (workpoint_configuration_phone{state=~"a|b"})')).toEqual(['workpoint_configuration_phone']);
  });
});
