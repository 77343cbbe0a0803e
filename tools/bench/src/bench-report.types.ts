import type { StormResult } from '@workpoint/phone-sim';
import type { LatencyStats } from './latency-stats.util';
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
  /** Effective configuration, CSV import and list queries through the operator API; absent when not run. */
  configuration?: ConfigurationBenchReport;
}

/** Sizes of the configuration measurements (BENCH_CONFIG_* variables). */
export interface ConfigurationBenchParameters {
  /** Phones whose effective configuration and delivery plan are computed, one API request each. */
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
  /** Where the embedded stack it ran on wrote its logs. */
  logDir?: string;
}

export interface EffectiveConfigurationResult {
  phones: number;
  /** How it was measured: the bench may not import the configuration library (Nx boundaries). */
  method: string;
  /** The profile set, in words (layers, item counts). */
  profileSet: string;
  reportedItemsPerPhone: number;
  /** GET /api/v1/phones/{mac}: phone read + effective configuration + delivery plan + answer, in µs. */
  detailUs: LatencyStats;
  /** GET /api/v1/phones/{mac}/history on the same phones: the same kind of round trip without the computation, in µs. */
  baselineUs: LatencyStats;
  /** Phones per second through the detail requests, one after the other on one connection. */
  phonesPerSec: number;
  /** Means per phone, from the answers. */
  effectiveItemsPerPhone: number;
  pendingWritesPerPhone: number;
  /** Phones whose effective configuration could not be computed (a template it cannot fill), or a non-200 answer. */
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
  ms: LatencyStats;
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
  effective: MeasurementOutcome<EffectiveConfigurationResult>;
  csvImport: MeasurementOutcome<CsvImportResult>;
  phoneList: MeasurementOutcome<PhoneListResult>;
}
