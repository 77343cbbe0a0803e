import { ClassifiedFailure } from '@workpoint/messaging';
import type { OauthbearerProviderResponse } from 'kafkajs';

export interface OAuthClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** A token is fetched again this long before it expires; a token living under twice that, at half its life. */
const REFRESH_MARGIN_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * kafkajs's `oauthBearerProvider` for SASL OAUTHBEARER: a token from an OAuth 2 client-credentials
 * grant (RFC 6749 §4.4), shared by every broker connection and fetched again shortly before it
 * expires. Concurrent connections wait for one request. A failed request is transient (the
 * identity provider is down or slow): kafkajs fails that connection attempt and retries it;
 * the error names the endpoint and the HTTP status, never the secret or a token.
 */
export class KafkaOAuthTokenProvider {
  private cached?: { value: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly credentials: OAuthClientCredentials,
    private readonly fetchFn: Fetch = (url, init) => fetch(url, init),
    private readonly now: () => number = Date.now,
  ) {}

  /** The function kafkajs calls on every connection's authentication. */
  readonly provide = async (): Promise<OauthbearerProviderResponse> => ({ value: await this.token() });

  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    this.pending ??= this.request().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async request(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope } = this.credentials;
    const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const started = this.now();
    let answer: { ok: boolean; status: number; json(): Promise<unknown> };
    try {
      answer = await this.fetchFn(tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw unavailable(`cannot reach the OAuth token endpoint ${tokenUrl} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name})`);
    }
    if (!answer.ok) throw unavailable(`the OAuth token endpoint ${tokenUrl} answered HTTP ${answer.status}${answer.status === 400 || answer.status === 401 ? ' (check KAFKA_OAUTH_CLIENT_ID / KAFKA_OAUTH_CLIENT_SECRET)' : ''}`);
    const json = (await answer.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    const value = json?.access_token;
    const lifetimeMs = Number(json?.expires_in) * 1000;
    if (typeof value !== 'string' || value === '' || !(lifetimeMs > 0)) throw unavailable(`the OAuth token endpoint ${tokenUrl} answered without access_token and expires_in`);
    this.cached = { value, refreshAt: started + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return value;
  }
}

function unavailable(message: string): ClassifiedFailure {
  return new ClassifiedFailure('transient', 'kafka-oauth-token-unavailable', new Error(message));
}
