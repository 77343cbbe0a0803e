import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { WpiItem } from '@workpoint/wpi-codec';
import { abortableDelay } from './abortable-delay.util';
import type { InteractionResult } from './interaction-result.types';
import { MAX_PHONES_PER_OUI, SIEMENS_OUI, macAddress } from './mac-address.util';
import type { PhoneOptions } from './phone.options';
import { SimulatedPhone } from './phone.simulator';

/**
 * A start-up storm in which every phone keeps trying until it gets through, as real phones do:
 * a phone answered `CleanUp` with `cleanup-reason=overload`, refused a connection, answered 503,
 * or left without an answer waits its own backoff and starts up again. Used by the kill matrix,
 * where a stage, a gateway, the broker or the database dies in the middle of the storm.
 */
export interface RetryingStormOptions extends Pick<PhoneOptions, 'itemCount' | 'timeoutMs' | 'maxExchanges'> {
  phones: number;
  /** Phones trying at once; a phone waiting out its backoff keeps its place. */
  concurrency: number;
  /**
   * Exchange k of phone i's attempt n goes to `urls[(i + n + k) % urls.length]`, so interactions
   * still move between gateways; a URL that refused the connection, reset it or answered 503 is
   * left out of the phone's next attempt (unless that leaves none), as a load balancer takes a
   * dead backend out of its pool.
   */
  urls: string[];
  macPrefix?: string;
  /** NIC number of the first phone; phones get consecutive MACs from there. */
  macStart: number;
  /** Backoff before attempt n+1: `min(base * 2^(n-1), max)` plus up to half of it as jitter. Defaults 500 ms and 8 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Phones still trying when it passes give up. Default 600 s. */
  deadlineMs?: number;
  /** Called after each attempt (progress output, the kill trigger); `completedMs` is set when it got through. */
  onAttempt?: (phone: PhoneRecord, result: InteractionResult) => void;
}

/** One phone's way through the storm. */
export interface PhoneRecord {
  mac: string;
  attempts: number;
  /** ms since the storm began. */
  firstStartMs: number;
  /** ms since the storm began; absent when the phone never got through. */
  completedMs?: number;
  /** Why each failed attempt had to be retried. */
  retryReasons: string[];
  /** The items of the last ReadAllItems answer the phone sent: what inventory must hold now. */
  lastFullReport?: WpiItem[];
}

export interface RetryingStormResult {
  phones: PhoneRecord[];
  wallMs: number;
  deadlineReached: boolean;
}

const DEFAULT_DEADLINE_MS = 600_000;

/**
 * Why a finished interaction does not count as done, or undefined when it does: a failed
 * exchange, an overload CleanUp, or a follow-up (the `status` after a FileDeployment) that failed.
 */
export function retryReason(result: InteractionResult): string | undefined {
  return failedInteraction(result)?.why;
}

/** The first interaction of the chain that must be tried again, and why. */
function failedInteraction(result: InteractionResult): { interaction: InteractionResult; why: string } | undefined {
  for (let r: InteractionResult | undefined = result; r; r = r.followUp) {
    if (!r.ok) return { interaction: r, why: r.error ?? 'not ok' };
    const cleanUp = r.steps?.find((s) => s.action === 'CleanUp');
    if (cleanUp?.items.some((i) => i.name === 'cleanup-reason' && i.value === 'overload')) return { interaction: r, why: 'CleanUp overload' };
  }
  return undefined;
}

/** The items of the last ReadAllItems answer in an interaction and its follow-ups, if any. */
export function lastFullReport(result: InteractionResult): WpiItem[] | undefined {
  let last: WpiItem[] | undefined;
  for (let r: InteractionResult | undefined = result; r; r = r.followUp) {
    for (const step of r.steps ?? []) {
      if (step.action === 'ReadAllItems' && step.answerItems) last = step.answerItems;
    }
  }
  return last;
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const plain = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return plain + randomInt(0, Math.max(1, Math.floor(plain / 2)));
}

export async function runRetryingStorm(options: RetryingStormOptions): Promise<RetryingStormResult> {
  const { phones, urls } = options;
  if (!Number.isInteger(phones) || phones < 0) throw new Error(`invalid phone count: ${phones}`);
  if (urls.length === 0) throw new Error('at least one service URL is required');
  if (options.macStart + phones > MAX_PHONES_PER_OUI) throw new Error(`at most ${MAX_PHONES_PER_OUI} distinct phones per OUI`);
  const prefix = options.macPrefix ?? SIEMENS_OUI;
  const baseMs = options.backoffBaseMs ?? 500;
  const maxMs = options.backoffMaxMs ?? 8_000;
  const concurrency = Math.max(1, Math.min(Math.floor(options.concurrency), Math.max(phones, 1)));

  const abort = new AbortController();
  setMaxListeners(2 * concurrency + 1, abort.signal);
  let deadlineReached = false;
  const deadline = setTimeout(() => {
    deadlineReached = true;
    abort.abort();
  }, options.deadlineMs ?? DEFAULT_DEADLINE_MS);

  const begin = Date.now();
  const records: PhoneRecord[] = [];
  let next = 0;

  const runPhone = async (index: number): Promise<void> => {
    const mac = macAddress(prefix, options.macStart + index);
    const record: PhoneRecord = { mac, attempts: 0, firstStartMs: Date.now() - begin, retryReasons: [] };
    records.push(record);
    // One phone object for all attempts: its item store and files survive a failed interaction, as on a real phone.
    const phone = new SimulatedPhone({ mac, urls, itemCount: options.itemCount, timeoutMs: options.timeoutMs, maxExchanges: options.maxExchanges });
    let unreachable = new Set<string>();
    // A phone whose file status (after a FileDeployment) did not get through sends that status again, not a start-up.
    let resendStatus = false;
    while (!abort.signal.aborted) {
      record.attempts++;
      const rotated = rotate(urls, index + record.attempts - 1);
      const reachable = rotated.filter((url) => !unreachable.has(url));
      const interaction = { signal: abort.signal, urls: reachable.length > 0 ? reachable : rotated };
      const lastFile = phone.storedFiles[phone.storedFiles.length - 1];
      let result: InteractionResult;
      try {
        result = resendStatus && lastFile ? await phone.sendStatus([lastFile], interaction) : await phone.startUp(interaction);
      } catch (error) {
        result = { mac, reason: 'start-up', ok: false, actions: [], exchanges: [], aborted: false, error: error instanceof Error ? error.message : String(error) };
      }
      record.lastFullReport = lastFullReport(result) ?? record.lastFullReport;
      const reason = result.aborted ? 'aborted' : retryReason(result);
      if (reason === undefined) record.completedMs = Date.now() - begin;
      options.onAttempt?.(record, result);
      if (reason === undefined || result.aborted) return;
      record.retryReasons.push(reason);
      unreachable = unreachableUrls(result);
      resendStatus = failedInteraction(result)?.interaction.reason === 'status';
      await abortableDelay(backoffMs(record.attempts, baseMs, maxMs), abort.signal);
    }
  };

  const worker = async (): Promise<void> => {
    while (!abort.signal.aborted && next < phones) await runPhone(next++);
  };
  try {
    await Promise.all(Array.from({ length: phones === 0 ? 0 : concurrency }, worker));
  } finally {
    clearTimeout(deadline);
  }
  return { phones: records, wallMs: Date.now() - begin, deadlineReached };
}

/** The URLs of an interaction (and its follow-ups) that refused or dropped the connection, or answered 503. */
export function unreachableUrls(result: InteractionResult): Set<string> {
  const urls = new Set<string>();
  for (let r: InteractionResult | undefined = result; r; r = r.followUp) {
    for (const exchange of r.exchanges) {
      if (exchange.httpStatus === 503 || (exchange.httpStatus === undefined && exchange.errors.length > 0)) urls.add(exchange.url);
    }
  }
  return urls;
}

function rotate<T>(values: T[], by: number): T[] {
  const shift = values.length === 0 ? 0 : by % values.length;
  return shift === 0 ? values : [...values.slice(shift), ...values.slice(0, shift)];
}
