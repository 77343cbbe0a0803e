import { SimulatedPhone } from '@workpoint/phone-sim';
import { type RunningStack, startDistributed } from '@workpoint/stack';
import { eventually, infraFromEnv, randomMac } from '@workpoint/testing';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

/**
 * Traces across the four processes of the distributed deployment: each exports its spans over
 * OTLP/HTTP to a receiver this test runs on loopback, and one phone exchange is one trace from
 * the gateway through inventory, configuration and deployment and back, every span linked to
 * its parent, the W3C traceparent carried by every Kafka message in between.
 */
const infra = infraFromEnv();
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('OpenTelemetry traces, distributed mode', () => {
  const receiver = new OtlpReceiver();
  let stack: RunningStack;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    stack = await startDistributed({ kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  /** The gateway instance reading the services' answer from its own response topic. */
  const isAnswerBack = (s: ReceivedSpan) => s.service === 'workpoint-gateway' && s.kind === CONSUMER && s.name.startsWith('process wpi.response.ready.v1.');
  /** The spans of the trace that the gateway's exchange span `root` began, once the answer's consumer span arrived. */
  /** Every span from `from` up to a root has arrived (each process exports on its own schedule). */
  const chainArrived = (spans: ReceivedSpan[], from: ReceivedSpan): boolean => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (let span: ReceivedSpan | undefined = from; span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) {
      if (span.parentSpanId && !byId.has(span.parentSpanId)) return false;
    }
    return true;
  };
  /** The spans of the root's trace, once its answer back to the gateway and everything above it have arrived. */
  const traceOf = (root: ReceivedSpan) =>
    eventually(async () => {
      const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
      const back = spans.find(isAnswerBack);
      return back && chainArrived(spans, back) ? spans : undefined;
    });
  /** The gateway's exchange spans with these attributes, once all have arrived. */
  const exchanges = (count: number) =>
    eventually(async () => {
      const found = receiver.spans.filter((s) => s.service === 'workpoint-gateway' && s.kind === SERVER);
      return found.length >= count ? found : undefined;
    });

  /** From the span that handed the answer back to the gateway, up to the exchange: [service, kind, name] of each. */
  function chainUp(spans: ReceivedSpan[], from: ReceivedSpan): Array<[string, number, string]> {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const chain: Array<[string, number, string]> = [];
    for (let span: ReceivedSpan | undefined = from; span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) {
      chain.unshift([span.service, span.kind, span.name]);
      if (span.parentSpanId && !byId.has(span.parentSpanId)) throw new Error(`span ${span.name} of ${span.service} has a parent outside the trace`);
    }
    return chain;
  }

  it('a known phone\'s start-up is one trace: gateway → inventory → configuration → deployment → gateway, each hop a producer span parent of the next consumer span', async () => {
    const phone = new SimulatedPhone({ mac: randomMac(), urls: stack.urls });
    // First start-up: registered and read (ReadAllItems, then its reply flows through all stages).
    expect((await phone.startUp()).actions).toEqual(['ReadAllItems', 'CleanUp']);
    // Second: known, read before, unchanged → passed by every stage, CleanUp from deployment.
    expect((await phone.startUp()).actions).toEqual(['CleanUp']);

    const served = await exchanges(3);
    expect(served.map((s) => s.attributes['wpi.reason']).sort()).toEqual(['reply-to', 'start-up', 'start-up']);
    const knownStartUp = served.find((s) => s.attributes['wpi.reason'] === 'start-up' && s.attributes['wpi.answer'] === 'CleanUp')!;
    expect(knownStartUp.parentSpanId).toBeUndefined();
    expect(knownStartUp.attributes['http.response.status_code']).toBe(200);
    // No MAC in any attribute of any process.
    for (const span of receiver.spans) expect(JSON.stringify(span.attributes)).not.toContain(phone.mac);

    const spans = await traceOf(knownStartUp);
    const back = spans.find(isAnswerBack)!;
    const gatewayTopic = back.name.replace(/^process /, '');
    expect(chainUp(spans, back)).toEqual([
      ['workpoint-gateway', SERVER, 'WPI exchange'],
      ['workpoint-gateway', PRODUCER, 'send wpi.contact.received.v1'],
      ['workpoint-inventory', CONSUMER, 'process wpi.contact.received.v1'],
      ['workpoint-inventory', PRODUCER, 'send inventory.contact.passed.v1'],
      ['workpoint-configuration', CONSUMER, 'process inventory.contact.passed.v1'],
      ['workpoint-configuration', PRODUCER, 'send configuration.contact.passed.v1'],
      ['workpoint-deployment', CONSUMER, 'process configuration.contact.passed.v1'],
      ['workpoint-deployment', PRODUCER, `send ${gatewayTopic}`],
      ['workpoint-gateway', CONSUMER, `process ${gatewayTopic}`],
    ]);
    expect(gatewayTopic).toMatch(/^wpi\.response\.ready\.v1\./);
  });

  it('an integration event relayed later from the outbox joins the trace of the contact that caused it', async () => {
    const phone = new SimulatedPhone({ mac: randomMac(), urls: stack.urls });
    const before = receiver.spans.filter((s) => s.service === 'workpoint-gateway' && s.kind === SERVER).length;
    expect((await phone.startUp()).actions).toEqual(['ReadAllItems', 'CleanUp']);
    const served = await exchanges(before + 2);
    const startUp = served.slice(before).find((s) => s.attributes['wpi.reason'] === 'start-up')!;
    // inventory.phone.registered.v1 is written with the new phone's row and published by the relay.
    const { registered, spans } = await eventually(async () => {
      const inTrace = receiver.spans.filter((s) => s.traceId === startUp.traceId);
      const found = inTrace.find((s) => s.name === 'send inventory.phone.registered.v1');
      return found && chainArrived(inTrace, found) ? { registered: found, spans: inTrace } : undefined;
    });
    expect(registered.service).toBe('workpoint-inventory');
    expect(chainUp(spans, registered)).toEqual([
      ['workpoint-gateway', SERVER, 'WPI exchange'],
      ['workpoint-gateway', PRODUCER, 'send wpi.contact.received.v1'],
      ['workpoint-inventory', CONSUMER, 'process wpi.contact.received.v1'],
      ['workpoint-inventory', PRODUCER, 'send inventory.phone.registered.v1'],
    ]);
  });
});
