import { request } from 'node:https';

export interface PhoneReply {
  status: number;
  setCookie: string[] | undefined;
  body: string;
}

/** A phone's POST to the gateway's WPI endpoint (self-signed certificate accepted), with an optional Cookie header. */
export function postAsPhone(url: string, body: string, cookie?: string): Promise<PhoneReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'text/xml', ...(cookie ? { Cookie: cookie } : {}) };
    const req = request(url, { method: 'POST', agent: false, rejectUnauthorized: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'], body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
