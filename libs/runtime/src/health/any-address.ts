import { createServer } from 'node:net';

/** Whether a TCP listener can be opened on `host` (port chosen by the OS, closed at once). */
export function canListenOn(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * The "all interfaces" address to bind, as Node's `listen(port)` chooses it: `::`, which also
 * accepts IPv4 (dual-stack, IPV6_V6ONLY off), where the host has IPv6; else `0.0.0.0`.
 * Fastify, unlike Node, binds `localhost` when given no host, so the choice is made here.
 */
export async function anyAddress(probe: (host: string) => Promise<boolean> = canListenOn): Promise<'::' | '0.0.0.0'> {
  return (await probe('::')) ? '::' : '0.0.0.0';
}
