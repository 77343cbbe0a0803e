import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { InteractionResult } from './interaction-result.types';
import { summarizeLatencies, type LatencySummary } from './latency-summary.util';
import { MAX_PHONES_PER_OUI, SIEMENS_OUI, macAddress } from './mac-address.util';
import type { PhoneOptions } from './phone.options';
import { SimulatedPhone } from './phone.simulator';

export interface StormOptions
  extends Pick<
    PhoneOptions,
    | 'itemCount'
    | 'deviceType'
    | 'softwareVersion'
    | 'keepAlive'
    | 'tlsSessionReuse'
    | 'cookieQuirk'
    | 'configurationChanged'
    | 'timeoutMs'
    | 'maxExchanges'
  > {
  /** Number of distinct phones, each doing one start-up. */
  phones: number;
  /** Interactions in flight at once. */
  concurrency: number;
  /**
   * Phone i sends exchange k to `urls[(i + k) % urls.length]`: every interaction still moves
   * between gateways (the service must correlate by cookie), while start-ups spread evenly.
   */
  urls: string[];
  /** OUI of the generated MACs; default 00:1A:E8. */
  macPrefix?: string;
  /**
   * NIC number of the first phone; phones get consecutive MACs from there. Default random,
   * so repeated storms against one database meet new phones instead of known ones.
   */
  macStart?: number;
  /** Hard bound on the whole storm; in-flight interactions are aborted when it passes. Default 300 s. */
  deadlineMs?: number;
  /** Stops the storm early, like the deadline. */
  signal?: AbortSignal;
  /** Called with every finished interaction (progress output, collecting MACs). */
  onResult?: (result: InteractionResult) => void;
}

export interface StormResult {
  phones: number;
  concurrency: number;
  /** Interactions begun before the deadline. */
  started: number;
  completedOk: number;
  /** Finished but not ok (aborted ones excluded). */
  failed: number;
  /** Cut off by the deadline or the caller's signal. */
  aborted: number;
  notStarted: number;
  deadlineReached: boolean;
  /** `<mac>: <error>` of the first few failures. */
  firstErrors: string[];
  /** Exchanges that received an HTTP response. */
  exchanges: number;
  /** How often the service sent each action. */
  actions: Record<string, number>;
  wallMs: number;
  startUpsPerSec: number;
  exchangesPerSec: number;
  /** Per exchange, over exchanges that received a response. */
  latencyMs: LatencySummary;
}

export const DEFAULT_STORM_DEADLINE_MS = 300_000;
const MAX_REPORTED_ERRORS = 10;

/** Start-ups of many distinct phones with bounded concurrency; always returns by the deadline. */
export async function runStorm(options: StormOptions): Promise<StormResult> {
  const { phones, urls } = options;
  if (!Number.isInteger(phones) || phones < 0) throw new Error(`invalid phone count: ${phones}`);
  if (urls.length === 0) throw new Error('at least one service URL is required');
  if (phones > MAX_PHONES_PER_OUI) throw new Error(`at most ${MAX_PHONES_PER_OUI} distinct phones per OUI`);
  const concurrency = Math.max(1, Math.min(Math.floor(options.concurrency), Math.max(phones, 1)));
  const prefix = options.macPrefix ?? SIEMENS_OUI;
  const macStart = options.macStart ?? randomInt(0, MAX_PHONES_PER_OUI);
  macAddress(prefix, 0); // validates the OUI before any phone starts

  const abort = new AbortController();
  // One listener per interaction in flight; more than that would be a leak worth a warning.
  setMaxListeners(concurrency + 1, abort.signal);
  const deadlineMs = options.deadlineMs ?? DEFAULT_STORM_DEADLINE_MS;
  let deadlineReached = false;
  const deadline = setTimeout(() => {
    deadlineReached = true;
    abort.abort();
  }, deadlineMs);
  const onCallerAbort = (): void => abort.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) abort.abort();

  const latencies: number[] = [];
  const actions: Record<string, number> = {};
  const firstErrors: string[] = [];
  let nextPhone = 0;
  let started = 0;
  let completedOk = 0;
  let failed = 0;
  let aborted = 0;

  const tally = (result: InteractionResult): void => {
    for (const exchange of result.exchanges) {
      if (exchange.httpStatus !== undefined) latencies.push(exchange.latencyMs);
    }
    for (const action of result.actions) actions[action] = (actions[action] ?? 0) + 1;
    if (result.ok) completedOk++;
    else if (result.aborted) aborted++;
    else {
      failed++;
      if (firstErrors.length < MAX_REPORTED_ERRORS) firstErrors.push(`${result.mac}: ${result.error ?? 'not ok'}`);
    }
    options.onResult?.(result);
  };

  const worker = async (): Promise<void> => {
    while (!abort.signal.aborted && nextPhone < phones) {
      const phoneIndex = nextPhone++;
      const mac = macAddress(prefix, macStart + phoneIndex);
      started++;
      let result: InteractionResult;
      try {
        const phone = new SimulatedPhone({
          mac,
          urls: rotate(urls, phoneIndex),
          itemCount: options.itemCount,
          deviceType: options.deviceType,
          softwareVersion: options.softwareVersion,
          keepAlive: options.keepAlive,
          tlsSessionReuse: options.tlsSessionReuse,
          cookieQuirk: options.cookieQuirk,
          configurationChanged: options.configurationChanged,
          timeoutMs: options.timeoutMs,
          maxExchanges: options.maxExchanges,
        });
        result = await phone.startUp({ signal: abort.signal });
      } catch (error) {
        // A bug on the simulator side must not stall the storm; it shows up as a failure.
        result = { mac, reason: 'start-up', ok: false, actions: [], exchanges: [], aborted: false, error: error instanceof Error ? error.message : String(error) };
      }
      tally(result);
    }
  };

  const begin = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: phones === 0 ? 0 : concurrency }, worker));
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
  const wallMs = Number(process.hrtime.bigint() - begin) / 1e6;
  const seconds = wallMs / 1000;
  return {
    phones,
    concurrency,
    started,
    completedOk,
    failed,
    aborted,
    notStarted: phones - started,
    deadlineReached,
    firstErrors,
    exchanges: latencies.length,
    actions,
    wallMs,
    startUpsPerSec: seconds > 0 ? completedOk / seconds : 0,
    exchangesPerSec: seconds > 0 ? latencies.length / seconds : 0,
    latencyMs: summarizeLatencies(latencies),
  };
}

function rotate<T>(values: T[], by: number): T[] {
  const shift = values.length === 0 ? 0 : by % values.length;
  return shift === 0 ? values : [...values.slice(shift), ...values.slice(0, shift)];
}
