import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS (or, for an http: URL, plain HTTP) request with whatever method and body a test needs, bad ones included. */
export function rawHttps(
  url: string,
  opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; /** Source address (e.g. 127.0.0.2, another host on loopback). */ localAddress?: string } = {},
): Promise<RawResponse> {
  const request = url.startsWith('http:') ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'POST', rejectUnauthorized: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}), headers: { 'Content-Type': 'text/xml', Connection: 'close', ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
