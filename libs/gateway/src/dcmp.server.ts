import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from '@workpoint/logging';
import { normaliseMac } from '@workpoint/wpi-codec';
import { type HttpReply, plain, sendReply } from './http-reply';
import type { PendingJobsView } from './pending-jobs.view';
import { listenOn } from '@workpoint/http-api';
import { admitPerSource, answerClientErrors, busyReply, capConnections, closeServer, remoteAddressOf, SERVER_TIMEOUTS } from './http-server.util';
import { PerSourceLimiter } from './per-source.limiter';

export interface DcmpServerOptions {
  host: string;
  port: number;
  /** Open connections at most (GATEWAY_MAX_CONNECTIONS, the same cap as the phone edge's). */
  maxConnections: number;
  /** Polls in flight per remote address (PER_SOURCE_MAX_CONCURRENT); more get 503 busy. */
  perSourceMaxConcurrent: number;
}

const POLL_PATH = /^\/dcmp\/contact-me\/?$/;

/**
 * DCMP polling (protocol.md §2.6, §6.13) for phones the service cannot reach with contact-me
 * (NAT, firewalls): the phone asks `GET /dcmp/contact-me?device-id=<MAC>` over plain HTTP and the
 * status is the whole answer — 202 Accepted when jobs are queued for it (the phone then opens a
 * `solicited` interaction), 200 OK otherwise. Answered from this instance's pending-jobs view
 * alone, so a poll costs no bus round trip and any instance can take it.
 */
export class DcmpServer {
  private server?: Server;
  private readonly perSource: PerSourceLimiter;

  constructor(
    private readonly pending: PendingJobsView,
    private readonly options: DcmpServerOptions,
    private readonly logger: Logger,
  ) {
    this.perSource = new PerSourceLimiter(options.perSourceMaxConcurrent);
  }

  async listen(): Promise<number> {
    const server = createServer(SERVER_TIMEOUTS, (req, res) => {
      if (req.url !== '/healthz' && !admitPerSource(this.perSource, req, res)) {
        this.logger.warn('refused a DCMP poll: too many in flight from this address', { remoteAddress: remoteAddressOf(req), limit: this.perSource.maxPerSource });
        sendReply(res, busyReply(this.perSource.maxPerSource));
        return;
      }
      // A poll has no body; whatever comes is drained so the connection can be reused.
      req.resume();
      try {
        sendReply(res, this.route(req));
      } catch (error) {
        this.logger.error('unexpected error answering a DCMP poll', { error: error instanceof Error ? error.stack : String(error) });
        if (!res.headersSent) sendReply(res, plain(500, 'internal error\n'));
        else res.destroy();
      }
    });
    answerClientErrors(server, this.logger, 'DCMP');
    capConnections(server, this.options.maxConnections, this.logger, 'DCMP');
    this.server = server;
    return listenOn(server, this.options.host, this.options.port);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private route(req: IncomingMessage): HttpReply {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    if (path === '/healthz') return plain(200, 'ok\n');
    if (!POLL_PATH.test(path)) return plain(404, 'not found\n');
    // HEAD is answered like GET (without the body), as any HTTP server must.
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'only GET\n', { Allow: 'GET, HEAD' });
    const deviceId = queryAt < 0 ? null : new URLSearchParams(target.slice(queryAt + 1)).get('device-id');
    const mac = deviceId === null ? undefined : normaliseMac(deviceId);
    if (mac === undefined) {
      this.logger.debug('DCMP poll without a valid device-id', { deviceId, remoteAddress: req.socket.remoteAddress });
      return plain(400, 'device-id must be the MAC address of the phone\n');
    }
    const counts = this.pending.countsOf(mac);
    this.logger.debug('DCMP poll', { mac, pending: counts !== undefined, ...counts, remoteAddress: req.socket.remoteAddress });
    return counts ? plain(202, 'jobs pending\n') : plain(200, 'nothing pending\n');
  }
}
