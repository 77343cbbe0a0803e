import { randomBytes } from 'node:crypto';

/**
 * A fresh MAC per test (locally administered prefix 02:57:50 "WP"), so suites isolate their
 * data by identity and can share one database and broker without truncating anything.
 */
export function randomMac(): string {
  const bytes = [0x02, 0x57, 0x50, ...randomBytes(3)];
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function randomId(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Polls until `check` returns a value (not undefined), or fails with the last reason. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
