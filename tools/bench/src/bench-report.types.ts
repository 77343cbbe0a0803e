import type { StormResult } from '@workpoint/phone-sim';
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
}
