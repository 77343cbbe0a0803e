import { createServer, type Server } from 'node:net';

/**
 * Where stack ports come from: below Linux's ephemeral range (32768–60999), from which the OS
 * takes the local port of every outgoing connection (Kafka, PostgreSQL and HTTP clients of
 * everything running on the machine) and every `listen(0)`. A port the OS handed out as free
 * could be taken by such a connection before the app bound it (EADDRINUSE, seen once); a port
 * from this range can only be taken by another program picking ports the same way, which
 * `startOnFreePorts` answers by starting again on new ports. tools/infra picks from the same range.
 */
export const STACK_PORT_RANGE = { from: 20000, to: 32767 } as const;

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct ports of STACK_PORT_RANGE that nothing listens on: each is checked by binding
 * it (on every interface, as the apps' health listeners bind), and all stay bound until all are
 * picked.
 */
export async function freePorts(count: number, random: () => number = Math.random): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries >= 50 * count) throw new Error(`no ${count} free ports in ${STACK_PORT_RANGE.from}–${STACK_PORT_RANGE.to}`);
      const port = STACK_PORT_RANGE.from + Math.floor(random() * (STACK_PORT_RANGE.to - STACK_PORT_RANGE.from + 1));
      if (ports.includes(port)) continue;
      const server = await bound(port);
      if (!server) continue;
      held.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function bound(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, exclusive: true }, () => resolve(server));
  });
}

/** An app exited during start-up because a port it was given was taken meanwhile. */
export class PortTakenError extends Error {}

/**
 * Starts something on `count` fresh ports; when a port was taken between the pick and the bind
 * (`start` rejects with PortTakenError, having stopped what it started), starts it again on new
 * ports, up to `attempts` times in all.
 */
export async function startOnFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count);
    try {
      return await start(ports);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error;
    }
  }
}
