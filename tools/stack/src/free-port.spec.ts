import { createServer, type Server } from 'node:net';
import { freePorts, PortTakenError, STACK_PORT_RANGE, startOnFreePorts } from './free-port';

const span = STACK_PORT_RANGE.to - STACK_PORT_RANGE.from + 1;
/** The `random()` value that freePorts turns into `port`. */
const toRandom = (port: number) => (port - STACK_PORT_RANGE.from + 0.5) / span;

describe('freePorts', () => {
  it('gives distinct ports below the ephemeral range, each free to bind', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(STACK_PORT_RANGE.from);
      expect(port).toBeLessThan(32768);
    }
    const servers = await Promise.all(ports.map((port) => new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    })));
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('skips a port something listens on, and never gives one port twice', async () => {
    const [taken, other] = await freePorts(2);
    const holder = await new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(taken!, '127.0.0.1', () => resolve(s));
    });
    try {
      const draws = [taken!, other!, other!, taken!];
      let next = 0;
      const ports = await freePorts(1, () => toRandom(draws[next++] ?? other!));
      expect(ports).toEqual([other]);
      expect(next).toBe(2);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });
});

describe('startOnFreePorts', () => {
  it('starts again on new ports when a port was taken meanwhile', async () => {
    const tried: number[][] = [];
    const started = await startOnFreePorts(3, async (ports) => {
      tried.push(ports);
      if (tried.length < 3) throw new PortTakenError('taken');
      return 'up';
    });
    expect(started).toBe('up');
    expect(tried).toHaveLength(3);
    expect(new Set(tried.map((p) => p.join())).size).toBe(3);
  });

  it('gives up after the attempts, and never retries another failure', async () => {
    let calls = 0;
    await expect(startOnFreePorts(1, async () => Promise.reject(new PortTakenError(`taken ${++calls}`)), 2)).rejects.toThrow('taken 2');
    await expect(startOnFreePorts(1, async () => Promise.reject(new Error(`broken ${++calls}`)))).rejects.toThrow('broken 3');
  });
});
