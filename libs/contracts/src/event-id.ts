import { createHash } from 'node:crypto';

/** The UUID namespace of Workpoint's event ids (fixed: changing it changes every id). */
export const WORKPOINT_EVENT_NAMESPACE = '510afa79-44a4-4396-9710-c31355b2fa31';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name-based UUID, version 5 (SHA-1), as RFC 9562 §5.5 defines it. */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID.test(namespace)) throw new Error(`namespace is not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an integration event, derived from what caused it (e.g. the contact id and the
 * topic name). A producer that crashes after publishing and handles the same message again
 * publishes the same id, so consumers can drop the duplicate. The parts are encoded as a JSON
 * array, so ('ab', 'c') and ('a', 'bc') give different ids.
 */
export function deterministicEventId(...parts: [string, ...string[]]): string {
  return uuidV5(JSON.stringify(parts), WORKPOINT_EVENT_NAMESPACE);
}
