import { classifyFailure } from '@workpoint/messaging';
import { KafkaOAuthTokenProvider } from './kafka-oauth.token-provider';

const credentials = { tokenUrl: 'https://idp.example/oauth2/token', clientId: 'workpoint', clientSecret: 'very-secret', scope: 'kafka' };
type Answer = { ok: boolean; status: number; json(): Promise<unknown> };
const tokenAnswer = (token: string, expiresIn: number): Answer => ({ ok: true, status: 200, json: async () => ({ access_token: token, expires_in: expiresIn, token_type: 'Bearer' }) });

describe('KafkaOAuthTokenProvider', () => {
  it('asks with the client-credentials grant and reuses the token until shortly before it expires', async () => {
    let clock = 1_000_000;
    const requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const answers = [tokenAnswer('t1', 300), tokenAnswer('t2', 300)];
    const provider = new KafkaOAuthTokenProvider(
      credentials,
      async (url, init) => {
        requests.push({ url, headers: init.headers, body: init.body });
        return answers.shift()!;
      },
      () => clock,
    );
    expect(await Promise.all([provider.provide(), provider.provide()])).toEqual([{ value: 't1' }, { value: 't1' }]);
    clock += 239_000;
    expect(await provider.token()).toBe('t1');
    clock += 1_000; // 300 s lifetime less the 60 s margin
    expect(await provider.token()).toBe('t2');
    expect(requests).toHaveLength(2);
    expect(requests[0].url).toBe(credentials.tokenUrl);
    expect(requests[0].body).toBe('grant_type=client_credentials&scope=kafka');
    expect(requests[0].headers['authorization']).toBe(`Basic ${Buffer.from('workpoint:very-secret').toString('base64')}`);
  });

  it('refreshes a short-lived token at half its life', async () => {
    let clock = 0;
    const answers = [tokenAnswer('short', 60), tokenAnswer('next', 60)];
    const provider = new KafkaOAuthTokenProvider(credentials, async () => answers.shift()!, () => clock);
    expect(await provider.token()).toBe('short');
    clock = 30_000;
    expect(await provider.token()).toBe('next');
  });

  it.each([
    ['an HTTP error', async (): Promise<Answer> => ({ ok: false, status: 401, json: async () => ({}) }), /answered HTTP 401 \(check KAFKA_OAUTH_CLIENT_ID/],
    ['no token', async (): Promise<Answer> => ({ ok: true, status: 200, json: async () => ({ error: 'x' }) }), /without access_token/],
    ['an unreachable endpoint', async (): Promise<Answer> => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })), /cannot reach .*ECONNREFUSED/],
  ])('fails transiently on %s, without the secret, and asks again next time', async (_, fetchFn, message) => {
    let calls = 0;
    const provider = new KafkaOAuthTokenProvider(credentials, async (_url, init) => (++calls === 1 ? fetchFn() : tokenAnswer(`ok-${init.method}`, 300)));
    const error = await provider.token().catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('very-secret');
    expect(classifyFailure(error)).toBe('transient');
    expect(await provider.token()).toBe('ok-POST');
  });
});
