import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ApiAnswer {
  status: number;
  /** The body as sent (JSON is parsed by the caller, outside the timed part). */
  text: string;
  /** Request written → last byte of the answer read, on an open keep-alive connection. */
  ms: number;
}

/** One request the bench did not expect to fail: says what the API answered. */
export class UnexpectedAnswerError extends Error {
  constructor(what: string, answer: ApiAnswer) {
    super(`${what}: HTTP ${answer.status} after ${answer.ms.toFixed(1)} ms: ${answer.text.slice(0, 500)}`);
  }
}

/**
 * A minimal client for the operator API, one keep-alive connection (requests go one at a
 * time), so a timing is one request's round trip and not connection set-up or queueing.
 */
export class OperatorApiClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly base: URL;

  constructor(
    apiUrl: string,
    private readonly apiKey: string,
  ) {
    this.base = new URL(apiUrl);
  }

  get(path: string): Promise<ApiAnswer> {
    return this.send('GET', path);
  }

  postJson(path: string, body: unknown): Promise<ApiAnswer> {
    return this.send('POST', path, Buffer.from(JSON.stringify(body)), 'application/json');
  }

  putJson(path: string, body: unknown): Promise<ApiAnswer> {
    return this.send('PUT', path, Buffer.from(JSON.stringify(body)), 'application/json');
  }

  postText(path: string, body: string, contentType: string): Promise<ApiAnswer> {
    return this.send('POST', path, Buffer.from(body, 'utf8'), contentType);
  }

  /** Sends and expects `status`; anything else throws with what the API said. */
  async expect(status: number, what: string, answer: Promise<ApiAnswer>): Promise<unknown> {
    const received = await answer;
    if (received.status !== status) throw new UnexpectedAnswerError(what, received);
    return JSON.parse(received.text) as unknown;
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body?: Buffer, contentType?: string): Promise<ApiAnswer> {
    const headers: Record<string, string | number> = { Authorization: `Bearer ${this.apiKey}`, Accept: 'application/json' };
    if (body) {
      headers['Content-Type'] = contentType!;
      headers['Content-Length'] = body.length;
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request({ host: this.base.hostname, port: this.base.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
