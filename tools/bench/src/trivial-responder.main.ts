#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startTrivialResponder } from './trivial-responder.server';

// Runs the bench's ceiling peer on its own, e.g. to try the phone-sim CLI without the stack:
//   node tools/bench/dist/trivial-responder.main.js --port 18443
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '18443' },
      'tls-key': { type: 'string', default: 'rsa' },
    },
  });
  const port = Number(values.port);
  const keyType = values['tls-key'];
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  if (keyType !== 'rsa' && keyType !== 'ec') throw new Error(`--tls-key must be rsa or ec, got ${keyType}`);
  const responder = await startTrivialResponder({ host: values.host, port, tlsKeyType: keyType });
  process.stdout.write(`trivial responder listening on ${responder.urls[0]} (Ctrl-C stops it)\n`);
  // Started by the bench (fork): tell the parent where to send the phones.
  process.send?.({ url: responder.urls[0] });
  const stop = (): void => {
    void responder.stop().then(() => {
      process.stdout.write(`answered ${responder.answered()} requests\n`);
      process.disconnect?.();
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`trivial-responder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
