import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import type { HostileBody } from '@workpoint/wpi-codec';

/**
 * The "hostile neighbour": one client on the phone network that sends worst-case bodies to the
 * gateway as fast as it gets answers, on a few connections, while the real phones start up.
 * Bounded in requests and time; loopback targets only.
 */
export interface HostileNeighbourOptions {
  /** Phone URLs of the gateways (round robin). Each must be a loopback address. */
  urls: readonly string[];
  bodies: readonly HostileBody[];
  /** Requests in flight at once (each on its own keep-alive connection). */
  connections: number;
  /** Stop after this many requests in all. */
  maxRequests: number;
  /** Stop after this long whatever happens. */
  maxMs: number;
  /**
   * Source address of the neighbour's connections: another loopback address than the phones'
   * (127.0.0.1), so a per-source limit sees it as the other host it would be.
   */
  localAddress?: string;
  /** Per request; a gateway that never answers must not hold the bench. */
  requestTimeoutMs?: number;
}

export interface HostileNeighbourResult {
  requests: number;
  /** HTTP status → count; `error` for requests without an answer (reset, timeout). */
  answers: Record<string, number>;
  bytesSent: number;
  wallMs: number;
  /** The first few transport errors, to tell a refusal from a crash. */
  firstErrors: string[];
}

export interface RunningNeighbour {
  /** Asks the neighbour to stop after the requests in flight; resolves with what it did. */
  stop(): Promise<HostileNeighbourResult>;
}

const MAX_REPORTED_ERRORS = 5;

function assertLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const loopback = (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (!loopback) throw new Error(`hostile neighbour: refusing to send to ${url} (loopback only)`);
}

/** One POST; resolves with the status, or `error` when no answer came. Never rejects. */
function post(url: string, body: Buffer, agent: Agent, timeoutMs: number): Promise<{ status: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'text/xml', 'Content-Length': String(body.length) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: String(res.statusCode ?? 0) }));
        res.on('error', (error) => resolve({ status: 'error', error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A gateway that refuses without reading the body may close while we still write: an answer.
    req.on('error', (error) => resolve({ status: 'error', error: error.message }));
    req.end(body);
  });
}

export function startHostileNeighbour(options: HostileNeighbourOptions): RunningNeighbour {
  if (options.urls.length === 0 || options.bodies.length === 0) throw new Error('hostile neighbour: needs URLs and bodies');
  for (const url of options.urls) assertLoopback(url);
  const result: HostileNeighbourResult = { requests: 0, answers: {}, bytesSent: 0, wallMs: 0, firstErrors: [] };
  const started = performance.now();
  let stopping = false;
  const deadline = setTimeout(() => (stopping = true), options.maxMs);
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  let next = 0;

  const worker = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    try {
      while (!stopping && result.requests < options.maxRequests) {
        const index = next++;
        const { body } = options.bodies[index % options.bodies.length]!;
        const url = options.urls[index % options.urls.length]!;
        result.requests += 1;
        result.bytesSent += body.length;
        const answer = await post(url, body, agent, timeoutMs);
        result.answers[answer.status] = (result.answers[answer.status] ?? 0) + 1;
        if (answer.error && result.firstErrors.length < MAX_REPORTED_ERRORS) result.firstErrors.push(answer.error);
      }
    } finally {
      agent.destroy();
    }
  };
  const workers = Promise.all(Array.from({ length: Math.max(1, options.connections) }, () => worker()));
  return {
    async stop() {
      stopping = true;
      await workers;
      clearTimeout(deadline);
      result.wallMs = performance.now() - started;
      return result;
    },
  };
}
