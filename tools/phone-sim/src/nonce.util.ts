import { randomBytes } from 'node:crypto';

/** 32 upper-case hex characters, the form real phones use (protocol.md §3.1). */
export function newNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}
