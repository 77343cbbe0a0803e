/**
 * A copy of `text` that shares no memory with the string it came from. V8 returns substrings
 * (what the XML parser hands out for attribute values) as "sliced strings" that point into the
 * parent: a 40-character nonce sliced from a 1 MB request body keeps the whole body alive for
 * as long as the nonce is kept (the nonce view keeps it for SESSION_TTL_SECONDS). Encoding to
 * bytes and decoding back builds a new, flat string; UTF-16 round-trips every JS string
 * exactly, lone surrogates included. Use it for every string kept beyond the request.
 */
export function detachedCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
