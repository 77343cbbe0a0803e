import { httpGet } from './http-get.client';
import type { InteractionResult } from './interaction-result.types';

/** What one DCMP poll found (protocol.md §2.6, §6.13). */
export interface DcmpPollResult {
  url: string;
  /** Absent when no response arrived. */
  status?: number;
  /** 200 → `idle`; 202 → `solicited` (the phone called the service); anything else → `unexpected-status`; no answer → `failed`. */
  outcome: 'idle' | 'solicited' | 'unexpected-status' | 'failed';
  error?: string;
  /** The solicited interaction a 202 triggered. */
  interaction?: InteractionResult;
}

export interface DcmpPollOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * `<base>/dcmp/contact-me?device-id=<MAC>`. The MAC goes in with its colons, as in the wiki's
 * examples, rather than percent-encoded: a proxy matching the phone's MAC literally must see it so.
 */
export function dcmpPollUrl(base: string, mac: string): URL {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported DCMP URL: ${base}`);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return new URL(`${url.origin}${path}dcmp/contact-me?device-id=${mac}`);
}

/** One poll; on 202 it runs `onPending` (the phone's solicited interaction). */
export async function pollDcmp(
  base: string,
  mac: string,
  options: DcmpPollOptions,
  onPending: () => Promise<InteractionResult>,
): Promise<DcmpPollResult> {
  const url = dcmpPollUrl(base, mac);
  const text = url.toString();
  let status: number;
  try {
    status = (await httpGet(url, options)).status;
  } catch (error) {
    return { url: text, outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  if (status === 200) return { url: text, status, outcome: 'idle' };
  if (status === 202) return { url: text, status, outcome: 'solicited', interaction: await onPending() };
  return { url: text, status, outcome: 'unexpected-status', error: `HTTP ${status}` };
}
