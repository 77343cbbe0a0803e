import { All, Controller, Req, Res } from '@nestjs/common';
import { Logger } from '@workpoint/logging';
import { normaliseMac } from '@workpoint/wpi-codec';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendFastifyReply } from './dcmp.http';
import { refusalReply } from './gateway.error';
import { type HttpReply, plain } from './http-reply';
import { PendingJobsView } from './pending-jobs.view';

/**
 * DCMP polling (protocol.md §2.6, §6.13) for phones the service cannot reach with contact-me
 * (NAT, firewalls): the phone asks `GET /dcmp/contact-me?device-id=<MAC>` over plain HTTP and the
 * status is the whole answer — 202 Accepted when jobs are queued for it (the phone then opens a
 * `solicited` interaction), 200 OK otherwise. Answered from this instance's pending-jobs view
 * alone, so a poll costs no bus round trip and any instance can take it.
 */
@Controller()
export class DcmpController {
  constructor(
    private readonly pending: PendingJobsView,
    private readonly logger: Logger,
  ) {}

  /** Every method, so that a POST gets 405 naming the allowed ones rather than 404. */
  @All('dcmp/contact-me')
  poll(@Req() req: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    return sendFastifyReply(reply, this.answer(req));
  }

  private answer(req: FastifyRequest): HttpReply {
    // HEAD is answered like GET (without the body), as any HTTP server must.
    if (req.method !== 'GET' && req.method !== 'HEAD') return refusalReply({ code: 'method-not-allowed', allow: 'GET, HEAD' });
    const target = req.raw.url ?? '/';
    const queryAt = target.indexOf('?');
    // The raw query, read as before the move to Fastify: the first device-id counts.
    const deviceId = queryAt < 0 ? null : new URLSearchParams(target.slice(queryAt + 1)).get('device-id');
    const mac = deviceId === null ? undefined : normaliseMac(deviceId);
    const remoteAddress = req.raw.socket.remoteAddress;
    if (mac === undefined) {
      this.logger.debug('DCMP poll without a valid device-id', { deviceId, remoteAddress });
      return refusalReply({ code: 'bad-device-id' });
    }
    const counts = this.pending.countsOf(mac);
    this.logger.debug('DCMP poll', { mac, pending: counts !== undefined, ...counts, remoteAddress });
    return counts ? plain(202, 'jobs pending\n') : plain(200, 'nothing pending\n');
  }
}
