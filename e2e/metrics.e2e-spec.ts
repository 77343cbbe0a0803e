import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedPhone } from '@workpoint/phone-sim';
import { type RunningStack, startDistributed, startEmbedded } from '@workpoint/stack';
import { eventually, infraFromEnv } from '@workpoint/testing';
import { stormOf } from './phone-fleet';

/**
 * `/metrics` of every process during a storm of 50 phones, as Prometheus would scrape it: the
 * distributed stack (inventory, configuration, deployment and the gateway, each on its
 * HEALTH_PORT) and the embedded default (one process, one /metrics with every stage in it).
 */
const PHONES = 50;
const infra = infraFromEnv();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (what this test needs of the format: no escapes in label values). */
function samplesOf(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Every process's samples, each tagged with the process it came from. */
async function scrapeAll(stack: RunningStack): Promise<Array<Sample & { process: string }>> {
  const all = await Promise.all(
    Object.entries(stack.metricsUrls).map(async ([process, url]) => {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return samplesOf(await res.text()).map((s) => ({ ...s, process }));
    }),
  );
  return all.flat();
}

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

const modes = [
  { name: 'distributed', start: () => startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, gateways: 1 }), processes: ['inventory', 'configuration', 'deployment', 'gateway-1'] },
  {
    name: 'embedded',
    start: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'workpoint-e2e-metrics-'));
      const stack = await startEmbedded({ dataDir });
      return { ...stack, stop: async () => (await stack.stop(), rmSync(dataDir, { recursive: true, force: true })) };
    },
    processes: ['embedded'],
  },
];

describe.each(modes)('metrics of a storm, $name mode', (mode) => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await mode.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`shows ${PHONES} phones starting, their exchanges, a job, contact-me, lag and outbox in the /metrics of each process`, async () => {
    expect(Object.keys(stack.metricsUrls).sort()).toEqual([...mode.processes].sort());
    const { result, interactions } = await stormOf(PHONES, stack.urls);
    expect(result.completedOk).toBe(PHONES);

    // One phone gets a job with a contact-me request, then calls back and answers it.
    const mac = interactions[0]!.mac;
    const command = { requestId: randomUUID(), mac, action: 'ReadItems', items: [{ name: 'sntp-addr', value: '' }], contactMe: true, requestedBy: 'e2e-metrics' };
    const posted = await fetch(`${stack.apiUrl}/api/v1/commands/configuration.job.requested.v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(command),
    });
    expect(posted.status).toBe(202);
    await eventually(async () => ((total(await scrapeAll(stack), 'workpoint_jobs_queued_total', { stage: 'configuration', action: 'ReadItems' }) >= 1) ? true : undefined));
    const phone = new SimulatedPhone({ mac, urls: stack.urls, itemCount: 200 });
    // (A fleet profile another suite left in the shared database would send its WriteItems first.)
    expect((await phone.solicited()).actions).toContain('ReadItems');

    const samples = await eventually(async () => {
      const s = await scrapeAll(stack);
      const ready = total(s, 'workpoint_jobs_completed_total', { stage: 'configuration', action: 'ReadItems', outcome: 'accepted' }) >= 1 && total(s, 'workpoint_contact_me_attempts_total') >= 1;
      return ready ? s : undefined;
    }, 60_000, 500);

    // Phone requests by reason and answer: every phone's start-up got ReadAllItems, then its reply an answer.
    expect(total(samples, 'workpoint_phone_requests_total', { reason: 'start-up', answer: 'ReadAllItems' })).toBeGreaterThanOrEqual(PHONES);
    expect(total(samples, 'workpoint_phone_requests_total', { reason: 'reply-to' })).toBeGreaterThanOrEqual(PHONES);
    expect(total(samples, 'workpoint_phone_requests_total', { reason: 'solicited', answer: 'ReadItems' })).toBe(1);
    // The exchange histogram: every exchange in +Inf, and some within a finite bucket.
    const exchanges = total(samples, 'workpoint_phone_exchange_duration_seconds_count');
    expect(exchanges).toBeGreaterThanOrEqual(2 * PHONES + 2);
    expect(total(samples, 'workpoint_phone_exchange_duration_seconds_bucket', { le: '+Inf' })).toBe(exchanges);
    expect(total(samples, 'workpoint_phone_exchange_duration_seconds_bucket', { le: '30' })).toBeGreaterThan(0);
    // Lag per group and topic, from each consumer's own process: inventory's contacts at least.
    const lag = samples.filter((s) => s.name === 'workpoint_consumer_lag_messages');
    expect(lag.some((s) => s.labels['group']!.startsWith('workpoint-inventory') && s.labels['topic'] === 'wpi.contact.received.v1')).toBe(true);
    expect(lag.every((s) => s.value >= 0)).toBe(true);
    // Outbox depth per service, contact-me queue depth, and the configuration fleet gauges.
    const outboxes = samples.filter((s) => s.name === 'workpoint_outbox_depth_events').map((s) => s.labels['service']);
    expect(outboxes).toEqual(expect.arrayContaining(['inventory', 'configuration', 'deployment']));
    expect(samples.filter((s) => s.name === 'workpoint_contact_me_queue_depth').map((s) => s.labels['state']).sort()).toEqual(['due', 'waiting']);
    expect(total(samples, 'workpoint_configuration_phones', { state: 'managed' })).toBeGreaterThanOrEqual(PHONES);
    expect(samples.some((s) => s.name === 'workpoint_configuration_phones' && s.labels['state'] === 'with_drift')).toBe(true);
    // (Overload CleanUps and failed gauge reads depend on the machine's load, so they are not asserted on.)
    // Node's process metrics in every process.
    for (const name of mode.processes) expect(samples.some((s) => s.process === name && s.name === 'process_resident_memory_bytes')).toBe(true);
  });
});
