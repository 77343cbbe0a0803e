import type { StormResult } from '@workpoint/phone-sim';
import type { HostileNeighbourResult } from './hostile-neighbour.client';
import type { LatencySummary } from '@workpoint/phone-sim';
import type { MachineDescription } from './machine-description.util';

export type TargetKey = 'a' | 'b' | 'c';

export interface TargetOutcome {
  key: TargetKey;
  name: string;
  /** `skipped`: could not be started; `failed`: started, but the storm itself could not run. */
  status: 'measured' | 'skipped' | 'failed';
  urls?: string[];
  error?: string;
  warmUp?: StormResult;
  storm?: StormResult;
  /** Where the target's logs went, when it writes any. */
  logDir?: string;
}

export interface BenchParameters {
  phones: number;
  concurrency: number;
  warmUpPhones: number;
  itemCount: number;
  connection: 'close' | 'keep-alive';
  responderTlsKey: 'rsa' | 'ec';
  /** Whether a phone may resume its TLS session for the later POSTs of one interaction. */
  tlsSessionReuse: boolean;
  deadlineMs: number;
}

export interface BenchReport {
  date: string;
  machine: MachineDescription;
  parameters: BenchParameters;
  targets: TargetOutcome[];
  /** Start-ups/s of (a) and (b) relative to the ceiling (c); absent when a side was not measured. */
  ratios: { aOverC?: number; bOverC?: number };
  /** Effective configuration (in-process and over the API), CSV import and list queries; absent when not run. */
  configuration?: ConfigurationBenchReport;
  /** The "hostile neighbour" row: storms without and with a client sending worst-case bodies; absent when not run. */
  hostile?: HostileBenchReport;
}

/** Sizes of the hostile-neighbour measurement (BENCH_HOSTILE_* variables). */
export interface HostileBenchParameters {
  /** Phones per storm (one storm without, one with the neighbour). */
  phones: number;
  concurrency: number;
  itemCount: number;
  /** The gateway's MAX_BODY_BYTES for this part; the worst-case bodies are this large. */
  maxBodyBytes: number;
  /** Names of the worst-case bodies the neighbour sends in turn. */
  bodies: string[];
  /** The neighbour's connections (requests in flight at once). */
  connections: number;
  /**
   * More connections of the neighbour, each sending the most expensive body every cap accepts
   * (max-accepted), which is parsed in full and then waits for its unknown nonce (nonce wait).
   */
  acceptedConnections: number;
  /** Upper bound on the neighbour's requests per storm. */
  maxRequests: number;
  /** Hard bound on each storm (and the neighbour with it). */
  deadlineMs: number;
  /** The neighbour's source address (another loopback address than the phones'). */
  neighbourAddress: string;
}

/** One target's pair of storms. */
export interface HostileTargetOutcome {
  key: Exclude<TargetKey, 'c'>;
  name: string;
  status: 'measured' | 'skipped' | 'failed';
  error?: string;
  logDir?: string;
  without?: StormResult;
  with?: StormResult;
  neighbour?: HostileNeighbourResult;
  /** With / without, for start-ups/s, p50 and p99 of the normal phones. */
  ratios?: { startUpsPerSec: number; p50: number; p99: number };
}

export interface HostileBenchReport {
  parameters: HostileBenchParameters;
  targets: HostileTargetOutcome[];
}

/** Sizes of the configuration measurements (BENCH_CONFIG_* variables). */
export interface ConfigurationBenchParameters {
  /** Phones whose effective configuration and delivery plan are computed, in-process and then over the API. */
  effectivePhones: number;
  /** Lines of the CSV import. */
  importLines: number;
  /** Phones in the table the list queries run over. */
  listPhones: number;
  /** Measured requests per list query kind, after `listWarmUp` unmeasured ones. */
  listRequests: number;
  listWarmUp: number;
}

/** What one measurement came to: `failed` carries what went wrong (an API answer, a start-up error). */
export interface MeasurementOutcome<T> {
  status: 'measured' | 'failed';
  error?: string;
  result?: T;
  /** Where the embedded stack it ran on wrote its logs (absent for in-process measurements). */
  logDir?: string;
}

export interface EffectiveConfigurationResult {
  phones: number;
  /** What was called, in words. */
  method: string;
  /** The profile set, in words (layers, item counts). */
  profileSet: string;
  reportedItemsPerPhone: number;
  /** Phones computed, unmeasured, before the measured ones. */
  warmUpPhones: number;
  /** effectiveConfiguration(profilesForPhone(…), phoneFacts(…)) + planDelivery(…) per phone, in µs. */
  totalUs: LatencySummary;
  /** The effective-configuration part alone (profiles for the phone, secrets opened, layers merged, templates filled), in µs. */
  effectiveUs: LatencySummary;
  /** The delivery plan alone (against the phone's reported items, fingerprints included), in µs. */
  planUs: LatencySummary;
  /** Phones per second of computation (both parts, one phone after the other). */
  phonesPerSec: number;
  /** Means per phone over the phones that got a plan. */
  effectiveItemsPerPhone: number;
  pendingWritesPerPhone: number;
  /** Phones whose effective configuration could not be computed (a template it cannot fill). */
  failedPhones: number;
}

/** The same computation as the operator reads it, over the API. */
export interface PhoneDetailResult {
  phones: number;
  /** GET /api/v1/phones/{mac}: phone read + effective configuration + delivery plan + answer, in µs. */
  detailUs: LatencySummary;
  /** Phones per second through the requests, one after the other on one connection. */
  phonesPerSec: number;
  /** Means per phone, from the answers. */
  effectiveItemsPerPhone: number;
  pendingWritesPerPhone: number;
  /** Phones without an effective configuration, or a non-200 answer. */
  failedPhones: number;
  seedMs: number;
}

export interface ImportRun {
  kind: 'dry run' | 'apply' | 're-import';
  status: number;
  wallMs: number;
  linesPerSec: number;
  lines: number;
  valid: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  /** What the counts should have been, when they were not. */
  unexpected?: string;
}

export interface CsvImportResult {
  lines: number;
  bytes: number;
  runs: ImportRun[];
}

export interface ListQueryTimings {
  kind: string;
  /** One example of the query string sent. */
  example: string;
  /** In milliseconds. */
  ms: LatencySummary;
  /** Mean phones per answered page. */
  phonesPerPage: number;
  /** Answers other than 200 (not in the timings). */
  failures: number;
}

export interface PhoneListResult {
  phones: number;
  seedMs: number;
  queries: ListQueryTimings[];
  overallP99Ms: number;
}

export interface ConfigurationBenchReport {
  parameters: ConfigurationBenchParameters;
  /** In-process, no stack. */
  effective: MeasurementOutcome<EffectiveConfigurationResult>;
  /** The same phones over the API (GET /phones/{mac}), on an embedded stack. */
  phoneDetail: MeasurementOutcome<PhoneDetailResult>;
  csvImport: MeasurementOutcome<CsvImportResult>;
  phoneList: MeasurementOutcome<PhoneListResult>;
}
