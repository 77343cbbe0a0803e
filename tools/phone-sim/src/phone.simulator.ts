import { parseDlsMessage, type DlsMessage } from '@workpoint/wpi-codec';
import { CookieJar } from './cookie.jar';
import type { ExchangeRecord, InteractionResult } from './interaction-result.types';
import { basicItems, fullItemSet } from './item-set.factory';
import { MessageTemplate } from './workpoint-message.template';
import { newNonce } from './nonce.util';
import { resolvePhoneOptions, type PhoneOptions, type ResolvedPhoneOptions } from './phone.options';
import { AgentPool, phoneRequestHeaders, postXml, type PostReply } from './wpi-http.transport';

export interface InteractionOptions {
  /** Aborts the interaction (in-flight request included); used by storm deadlines. */
  signal?: AbortSignal;
}

/**
 * One OpenStage phone as the provisioning service sees it on the wire. Messages are encoded
 * once per phone and reused, so repeated interactions cost little besides TLS and I/O.
 */
export class SimulatedPhone {
  readonly options: ResolvedPhoneOptions;
  private readonly urls: URL[];
  private readonly templates = new Map<string, MessageTemplate>();

  constructor(options: PhoneOptions) {
    this.options = resolvePhoneOptions(options);
    this.urls = this.options.urls.map((url) => new URL(url));
  }

  get mac(): string {
    return this.options.mac;
  }

  /** Sends `start-up` and follows the service until CleanUp, a failure, or the exchange cap. */
  async startUp(interaction: InteractionOptions = {}): Promise<InteractionResult> {
    const { maxExchanges, keepAlive, tlsSessionReuse, cookieQuirk, timeoutMs, onWire } = this.options;
    const nonce = newNonce();
    const cookies = new CookieJar(cookieQuirk);
    const agents = new AgentPool(keepAlive, tlsSessionReuse);
    const actions: string[] = [];
    const exchanges: ExchangeRecord[] = [];
    let next: { template: MessageTemplate; sent: string } = { template: this.startUpTemplate(), sent: 'start-up' };
    let endedWithCleanUp = false;
    let stop: string | undefined;
    try {
      for (let index = 0; ; index++) {
        if (index >= maxExchanges) {
          stop = `service did not send CleanUp within ${maxExchanges} exchanges`;
          break;
        }
        if (interaction.signal?.aborted) {
          stop = 'aborted';
          break;
        }
        const url = this.urls[index % this.urls.length];
        // As given, not URL-normalised, so callers can compare with their own list.
        const urlText = this.options.urls[index % this.urls.length];
        const body = next.template.render(nonce);
        const record: ExchangeRecord = {
          index,
          url: urlText,
          sent: next.sent,
          requestBytes: Buffer.byteLength(body),
          chunked: false,
          nonceEchoed: false,
          latencyMs: 0,
          errors: [],
        };
        exchanges.push(record);
        const cookie = cookies.header();
        onWire?.({ direction: 'request', url: urlText, headers: phoneRequestHeaders({ url, body, cookie, keepAlive }), body });
        const started = process.hrtime.bigint();
        let reply: PostReply;
        try {
          reply = await postXml({ url, body, agents, cookie, keepAlive, timeoutMs, signal: interaction.signal });
        } catch (error) {
          record.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
          stop = interaction.signal?.aborted ? 'aborted' : `request failed: ${errorText(error)}`;
          record.errors.push(stop);
          break;
        }
        record.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
        onWire?.({ direction: 'response', url: urlText, status: reply.status, headers: reply.headers, body: reply.body });
        cookies.store(reply.headers['set-cookie']);
        const dls = checkResponse(reply, nonce, record);
        if (!dls) {
          stop = record.errors[record.errors.length - 1];
          break;
        }
        actions.push(dls.action);
        if (dls.action === 'CleanUp') {
          endedWithCleanUp = true;
          break;
        }
        next = this.answerTo(dls);
      }
    } finally {
      agents.destroy();
    }
    const failed = exchanges.find((exchange) => exchange.errors.length > 0);
    const error = failed ? `exchange ${failed.index + 1}: ${failed.errors[0]}` : stop;
    return {
      mac: this.mac,
      ok: endedWithCleanUp && error === undefined,
      actions,
      exchanges,
      aborted: stop === 'aborted',
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** The phone's next message for a service action; unsupported actions are refused. */
  private answerTo(dls: DlsMessage): { template: MessageTemplate; sent: string } {
    if (dls.action === 'ReadAllItems') {
      return { template: this.readAllItemsReplyTemplate(), sent: 'reply-to ReadAllItems accepted' };
    }
    return { template: this.failedReplyTemplate(dls.action), sent: `reply-to ${dls.action} failed` };
  }

  private startUpTemplate(): MessageTemplate {
    return this.cached('start-up', () => new MessageTemplate({ maxItems: -1, reason: 'start-up', items: basicItems(this.options) }));
  }

  private readAllItemsReplyTemplate(): MessageTemplate {
    return this.cached(
      'reply-to ReadAllItems',
      () =>
        new MessageTemplate({
          maxItems: -1,
          fragment: 'final',
          reason: 'reply-to',
          replyTo: { action: 'ReadAllItems', status: 'accepted' },
          items: fullItemSet(this.options),
        }),
    );
  }

  private failedReplyTemplate(action: string): MessageTemplate {
    return this.cached(
      `reply-to ${action} failed`,
      () =>
        new MessageTemplate({
          maxItems: -1,
          fragment: 'final',
          reason: 'reply-to',
          replyTo: { action, status: 'failed' },
          items: [],
        }),
    );
  }

  private cached(key: string, build: () => MessageTemplate): MessageTemplate {
    let template = this.templates.get(key);
    if (!template) {
      template = build();
      this.templates.set(key, template);
    }
    return template;
  }
}

/**
 * Records every deviation from what a phone can rely on (protocol.md §2.2, §3.3) and returns
 * the parsed message when the phone can still act on it. Lenient like a phone: a wrong
 * content type or nonce is recorded but the action is still followed.
 */
function checkResponse(reply: PostReply, nonce: string, record: ExchangeRecord): DlsMessage | undefined {
  record.httpStatus = reply.status;
  record.responseBytes = reply.bodyBytes;
  const contentType = reply.headers['content-type'];
  record.contentType = contentType;
  const transferEncoding = reply.headers['transfer-encoding'];
  record.chunked = transferEncoding !== undefined && /chunked/i.test(transferEncoding);
  const contentLength = reply.headers['content-length'];
  if (contentLength !== undefined) record.contentLength = Number(contentLength);

  if (reply.status !== 200) {
    record.errors.push(`HTTP ${reply.status}`);
    return undefined;
  }
  if (contentType === undefined || !/^text\/xml\s*(;|$)/i.test(contentType)) {
    record.errors.push(`content type ${contentType ?? '(none)'} instead of text/xml`);
  }
  if (record.chunked) record.errors.push('chunked transfer encoding');
  if (record.contentLength === undefined) record.errors.push('no Content-Length');
  else if (record.contentLength !== reply.bodyBytes) {
    record.errors.push(`Content-Length ${record.contentLength} but ${reply.bodyBytes} bytes received`);
  }
  let dls: DlsMessage;
  try {
    dls = parseDlsMessage(reply.body);
  } catch (error) {
    record.errors.push(`unparseable DLSMessage: ${errorText(error)}`);
    return undefined;
  }
  record.action = dls.action;
  record.nonceEchoed = dls.nonce === nonce;
  if (!record.nonceEchoed) record.errors.push(`nonce ${dls.nonce} instead of ${nonce}`);
  return dls;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
