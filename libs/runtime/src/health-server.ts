import { createServer, type Server } from 'node:http';

/**
 * Plain-HTTP liveness/readiness for orchestrators (docker-compose, Kubernetes):
 * GET /healthz = the process runs; GET /readyz = it can reach what it needs.
 */
export async function startHealthServer(port: number, ready: () => Promise<boolean>): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    if (req.url === '/healthz') return reply(200, 'ok\n');
    if (req.url === '/readyz') {
      ready().then(
        (ok) => reply(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
        () => reply(503, 'not ready\n'),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
