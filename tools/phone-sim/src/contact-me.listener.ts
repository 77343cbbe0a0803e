import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { abortableDelay } from './abortable-delay.util';
import type { InteractionResult } from './interaction-result.types';

export const CONTACT_ME_PATH = '/contact_dls.html/ContactDLS';
/** Fixed on real phones (protocol.md §2.5); tests pass 0 for a free port. */
export const CONTACT_ME_PORT = 8085;
// Form bodies are 14–60 bytes; anything much larger is not a contact-me.
const MAX_FORM_BYTES = 4096;

export interface ContactMeListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8085, as on a real phone. */
  port?: number;
  /** Host written into the phone's `contact-me-uri`; default the listen host (127.0.0.1 for a wildcard). */
  advertisedHost?: string;
  /** Answer this HTTP status instead of 204 and do not call back (a phone whose web server is in trouble). */
  refuseWith?: number;
  /** Wait this long before answering (a slow phone). */
  responseDelayMs?: number;
  /** Call back after a contact-me. Default true; false = the phone ignores it, as GS3 says phones sometimes do. */
  callBack?: boolean;
  /** Wait this long after answering before calling back. Default 0. */
  callBackDelayMs?: number;
  /** Told of every contact-me once it has been answered (call-back, if any, already under way). */
  onAnswered?: (request: ContactMeRequest) => void;
}

/** One request the listener received. */
export interface ContactMeRequest {
  receivedAt: Date;
  method: string;
  path: string;
  /** `ContactMe=true` was sent (the documented form requires it). */
  contactMe: boolean;
  dlsIpAddr?: string;
  dlsIpPort?: number;
  /** The HTTP status the listener answered (after any delay). */
  answeredStatus?: number;
  /** Where the phone calls back, when it does. */
  callBackUrls?: string[];
  /** The solicited interaction that followed; always resolves, never rejects. */
  callBack?: Promise<InteractionResult>;
}

/** What the listener needs of its phone. */
export interface ContactMePhone {
  readonly mac: string;
  /** The service URLs the phone is configured with. */
  readonly configuredUrls: readonly string[];
  solicited(options: { urls?: string[]; signal?: AbortSignal }): Promise<InteractionResult>;
}

/**
 * The phone's side of contact-me (protocol.md §2.5, §6.4): a plain-HTTP server that answers
 * `POST /contact_dls.html/ContactDLS` with `204 No Content` and `Server: DlsClient`, then calls
 * the service back with `solicited` — at `dls_ip_addr:dls_ip_port` when given, else at the
 * phone's configured service. The GET variant with a query string (PG) is accepted too.
 */
export class ContactMeListener {
  readonly requests: ContactMeRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly abort = new AbortController();
  private readonly callBacks = new Set<Promise<InteractionResult>>();

  private advertised = '';
  private boundPort = 0;

  private constructor(
    private readonly phone: ContactMePhone,
    private readonly server: Server,
    /** Mutable: a test may change how the phone reacts between contact-mes. */
    readonly options: ContactMeListenOptions,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(phone: ContactMePhone, options: ContactMeListenOptions = {}): Promise<ContactMeListener> {
    const host = options.host ?? '127.0.0.1';
    const listener = new ContactMeListener(phone, createServer(), options);
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(options.port ?? CONTACT_ME_PORT, host, () => {
        listener.server.off('error', reject);
        resolve();
      });
    });
    const advertised = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    listener.advertised = advertised.includes(':') ? `[${advertised}]` : advertised;
    listener.boundPort = (listener.server.address() as AddressInfo).port;
    return listener;
  }

  /** The phone's `contact-me-uri` while the listener runs. */
  get url(): string {
    return `http://${this.advertised}:${this.port}${CONTACT_ME_PATH}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Stops listening, aborts call-backs still running and waits for them to finish. */
  async close(): Promise<void> {
    this.abort.abort();
    await new Promise<void>((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      this.server.close(() => resolve());
    });
    await Promise.all([...this.callBacks]);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = new Date();
    const target = new URL(req.url ?? '/', 'http://phone');
    const method = req.method ?? '';
    if (target.pathname !== CONTACT_ME_PATH) {
      answer(res, 404);
      return;
    }
    if (method !== 'POST' && method !== 'GET') {
      answer(res, 405, { Allow: 'GET, POST' });
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_FORM_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const params = new URLSearchParams(target.search);
      for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.set(name, value);
      const port = Number(params.get('dls_ip_port') ?? '');
      const record: ContactMeRequest = {
        receivedAt,
        method,
        path: target.pathname,
        contactMe: params.get('ContactMe')?.toLowerCase() === 'true',
        ...(params.get('dls_ip_addr') ? { dlsIpAddr: params.get('dls_ip_addr')! } : {}),
        ...(Number.isInteger(port) && port > 0 && port < 65536 ? { dlsIpPort: port } : {}),
      };
      this.requests.push(record);
      void this.respond(record, res);
    });
  }

  private async respond(record: ContactMeRequest, res: ServerResponse): Promise<void> {
    const { refuseWith, responseDelayMs = 0, callBack = true } = this.options;
    await abortableDelay(responseDelayMs, this.abort.signal);
    if (this.abort.signal.aborted) {
      res.destroy();
      return;
    }
    const status = refuseWith ?? 204;
    record.answeredStatus = status;
    // The phone's exact answer (G p.15), Content-Length and Content-type included.
    answer(res, status, status === 204 ? { Server: 'DlsClient', 'Content-Type': 'text/html' } : { Server: 'DlsClient' });
    if (refuseWith === undefined && callBack && record.contactMe) record.callBack = this.callBack(record);
    this.options.onAnswered?.(record);
  }

  private callBack(record: ContactMeRequest): Promise<InteractionResult> {
    const { callBackDelayMs = 0 } = this.options;
    const urls = this.callBackUrls(record);
    record.callBackUrls = urls;
    const signal = this.abort.signal;
    const mac = this.phone.mac;
    const running = abortableDelay(callBackDelayMs, signal)
      .then(() => this.phone.solicited({ urls, signal }))
      .catch(
        (error: unknown): InteractionResult => ({
          mac,
          reason: 'solicited',
          ok: false,
          actions: [],
          exchanges: [],
          aborted: signal.aborted,
          error: `call-back failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    this.callBacks.add(running);
    void running.finally(() => this.callBacks.delete(running));
    return running;
  }

  /** `dls_ip_addr`/`dls_ip_port` replace host and port of the configured URL; scheme and path stay. */
  private callBackUrls(record: ContactMeRequest): string[] {
    if (record.dlsIpAddr === undefined && record.dlsIpPort === undefined) return [...this.phone.configuredUrls];
    const url = new URL(this.phone.configuredUrls[0]);
    if (record.dlsIpAddr !== undefined) {
      url.hostname = record.dlsIpAddr.includes(':') ? `[${record.dlsIpAddr}]` : record.dlsIpAddr;
      url.port = String(record.dlsIpPort ?? 18443);
    } else {
      url.port = String(record.dlsIpPort);
    }
    return [url.toString()];
  }
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  // A phone's small web server closes after each answer; it is not meant to be held open.
  res.writeHead(status, { ...headers, 'Content-Length': '0', Connection: 'close' });
  res.end();
}
