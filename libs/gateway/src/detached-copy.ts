/**
 * A copy of `text` that shares no memory with the string it came from. V8 may represent a
 * substring (a parsed attribute, a `slice` of a header) as a pointer into its parent, so a
 * 32-character nonce kept in a view could keep a whole 1 MB request body alive for the view's
 * lifetime. Encoding and decoding allocates a fresh string of the copy's own length. For the
 * ASCII values the gateway keeps (nonces, addresses, MACs, UUIDs) it is exact.
 */
export function detachedCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
