import type { Server } from 'node:http';
import type { Logger } from '@workpoint/logging';

/** Stops accepting, lets requests in progress finish, and drops idle keep-alive connections. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** A request Node cannot even parse gets a bare 400 and a closed connection, and a debug line. */
export function answerClientErrors(server: Server, logger: Logger, what: string): void {
  server.on('clientError', (error, socket) => {
    logger.debug(`malformed ${what} request`, { error: error.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}
