import { randomBytes } from 'node:crypto';

/**
 * A fresh MAC per test (locally administered, first octet 02), so suites isolate their data by
 * identity and can share one database and broker without truncating anything. 40 random bits:
 * with 24, a test of 2,000 phones drew the same MAC twice about once in nine runs.
 */
export function randomMac(): string {
  const bytes = [0x02, ...randomBytes(5)];
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** `count` fresh MACs, none twice: for tests where one repeat would change the outcome. */
export function distinctMacs(count: number): string[] {
  const macs = new Set<string>();
  while (macs.size < count) macs.add(randomMac());
  return [...macs];
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
