import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { PolledGauge } from './polled-gauge';

/** Reasons for contact a phone may send (protocol.md §4.1); anything else is counted as `other`, so a phone cannot grow the label set. */
const PHONE_REASONS: ReadonlySet<string> = new Set(['start-up', 'local-changes', 'inventory-changes', 'status', 'solicited', 'reply-to', 'clean-up']);

/** The `reason` label of a phone request: a known reason, `other`, or `none` when nothing was parsed. */
export function reasonLabel(reason: string | undefined): string {
  if (reason === undefined) return 'none';
  return PHONE_REASONS.has(reason) ? reason : 'other';
}

/**
 * Exchange durations in seconds: from a few ms (a pass-through CleanUp) to ANSWER_TIMEOUT_MS
 * (8 s by default) and beyond, so p50 and p99 fall between buckets in both cases.
 */
export const EXCHANGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10, 30];

/** What the phone edge counts (the gateway). Counters and a histogram only: this is the hot path. */
export class PhoneMetrics {
  readonly requests: Counter<'reason' | 'answer'>;
  readonly exchangeSeconds: Histogram<'reason'>;
  readonly overloads: Counter<'cause'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'workpoint_phone_requests_total',
      help: 'Phone requests answered, by reason for contact and answer (the WPI action sent, or the refusal code)',
      labelNames: ['reason', 'answer'],
      registers: [registry],
    });
    this.exchangeSeconds = new Histogram({
      name: 'workpoint_phone_exchange_duration_seconds',
      help: 'Time from a phone request read to its answer (the services\' answer, an overload CleanUp or a refusal), by reason for contact',
      labelNames: ['reason'],
      buckets: EXCHANGE_BUCKETS,
      registers: [registry],
    });
    this.overloads = new Counter({
      name: 'workpoint_phone_overload_cleanups_total',
      help: 'CleanUp with cleanup-reason=overload sent to phones: the services did not answer in time, or the contact could not be published',
      labelNames: ['cause'],
      registers: [registry],
    });
  }

  /** One answered request; `startedAt` from performance.now(). */
  answered(reason: string | undefined, answer: string, startedAt: number): void {
    const label = reasonLabel(reason);
    this.requests.inc({ reason: label, answer });
    this.exchangeSeconds.observe({ reason: label }, (performance.now() - startedAt) / 1000);
  }

  overload(cause: 'timeout' | 'publish-failed'): void {
    this.overloads.inc({ cause });
  }
}

/**
 * Handler retries and dead letters of either bus (libs/messaging's DeliveryObserver), and the
 * lag of the process's consumer groups.
 */
export class DeliveryMetrics {
  readonly retries: Counter<'group' | 'topic' | 'failure'>;
  readonly deadLetters: Counter<'group' | 'topic' | 'code'>;
  readonly lag: PolledGauge;

  constructor(registry: Registry, failures: Counter<'gauge'>, gauges: GaugeTiming) {
    this.retries = new Counter({
      name: 'workpoint_handler_retries_total',
      help: 'Handler attempts that failed and will be made again, by consumer group, topic and failure (transient, unknown, failure-path)',
      labelNames: ['group', 'topic', 'failure'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'workpoint_dead_letters_total',
      help: 'Messages given up and dead-lettered, by consumer group, source topic and code',
      labelNames: ['group', 'topic', 'code'],
      registers: [registry],
    });
    this.lag = new PolledGauge(
      registry,
      { name: 'workpoint_consumer_lag_messages', help: 'Messages not yet done by a consumer group, per topic (Kafka: end offsets minus committed offsets; in-process: queued and in hand)', labelNames: ['group', 'topic'], ...gauges },
      failures,
    );
  }

  retried(groupId: string, topic: string, failure: 'transient' | 'unknown' | 'failure-path'): void {
    this.retries.inc({ group: groupId, topic, failure });
  }

  deadLettered(groupId: string, topic: string, code: string): void {
    this.deadLetters.inc({ group: groupId, topic, code });
  }
}

/** Rows waiting in the services' tables, read on scrape (cached), and what the services did with them. */
export class StoreMetrics {
  readonly outboxDepth: PolledGauge;
  readonly contactMeDepth: PolledGauge;
  readonly configurationPhones: PolledGauge;
  readonly contactMeAttempts: Counter<'outcome' | 'final'>;
  readonly jobsQueued: Counter<'stage' | 'action'>;
  readonly jobsCompleted: Counter<'stage' | 'action' | 'outcome'>;

  constructor(registry: Registry, failures: Counter<'gauge'>, gauges: GaugeTiming) {
    const polled = (name: string, help: string, labelNames: string[]) => new PolledGauge(registry, { name, help, labelNames, ...gauges }, failures);
    this.outboxDepth = polled('workpoint_outbox_depth_events', 'Events in a service\'s outbox not yet published', ['service']);
    this.contactMeDepth = polled('workpoint_contact_me_queue_depth', 'Phones with a contact-me request active: due now, or waiting (retry backoff, gap, lease)', ['state']);
    this.configurationPhones = polled(
      'workpoint_configuration_phones',
      'Phones the configuration service manages, by state: managed (all), with_drift (reported items differ from the desired configuration), with_faults (items refused), write_pending (a sync job out)',
      ['state'],
    );
    this.contactMeAttempts = new Counter({
      name: 'workpoint_contact_me_attempts_total',
      help: 'Contact-me attempts recorded, by outcome and whether it ended the request (final)',
      labelNames: ['outcome', 'final'],
      registers: [registry],
    });
    this.jobsQueued = new Counter({ name: 'workpoint_jobs_queued_total', help: 'Jobs queued for phones, by stage and action', labelNames: ['stage', 'action'], registers: [registry] });
    this.jobsCompleted = new Counter({
      name: 'workpoint_jobs_completed_total',
      help: 'Jobs completed, by stage, action and outcome (accepted, failed)',
      labelNames: ['stage', 'action', 'outcome'],
      registers: [registry],
    });
  }
}

/** How polled gauges (database counts, broker offsets) are read on a scrape. */
export interface GaugeTiming {
  cacheMs: number;
  timeoutMs: number;
}

export interface WorkpointMetricsOptions {
  /** Node's default process metrics (CPU, memory, event-loop lag, GC); on unless a test turns them off. */
  processMetrics?: boolean;
  gauges?: Partial<GaugeTiming>;
}

export const DEFAULT_GAUGE_TIMING: GaugeTiming = { cacheMs: 10_000, timeoutMs: 3_000 };

/**
 * Every metric of one process in one prom-client Registry: built once per process (like its bus
 * and logger), before its Nest apps, which share it through MetricsModule.forRoot(metrics). In the
 * embedded default one process holds every stage, so one /metrics shows them all; labels say
 * which stage or service where one metric has several (`stage`, `service`, `group`).
 */
export class WorkpointMetrics {
  readonly registry = new Registry();
  readonly readFailures: Counter<'gauge'>;
  readonly phone: PhoneMetrics;
  readonly delivery: DeliveryMetrics;
  readonly store: StoreMetrics;

  constructor(options: WorkpointMetricsOptions = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const gauges = { ...DEFAULT_GAUGE_TIMING, ...options.gauges };
    this.readFailures = new Counter({
      name: 'workpoint_metric_read_failures_total',
      help: 'Reads of a polled gauge (database count, broker offsets) that failed or timed out; that gauge shows no value until a read succeeds',
      labelNames: ['gauge'],
      registers: [this.registry],
    });
    this.phone = new PhoneMetrics(this.registry);
    this.delivery = new DeliveryMetrics(this.registry, this.readFailures, gauges);
    this.store = new StoreMetrics(this.registry, this.readFailures, gauges);
  }
}
