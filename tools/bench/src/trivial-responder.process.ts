import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { RunningStack } from './stack.loader';

/**
 * The ceiling responder in its own process. In the bench's process it would share one event
 * loop (one core) with the simulator, while the stack targets run in child processes; the
 * ceiling would then sit below what the machine can do and the ratios would flatter (a)/(b).
 */
export function startTrivialResponderProcess(tlsKeyType: 'rsa' | 'ec', startTimeoutMs = 60_000): Promise<RunningStack> {
  const child = fork(path.join(__dirname, 'trivial-responder.main.js'), ['--port', '0', '--tls-key', tlsKeyType], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RunningStack>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`trivial responder did not report its URL within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.once('message', (message: { url?: string }) => {
      clearTimeout(timer);
      if (typeof message.url === 'string') resolve({ urls: [message.url], stop });
      else {
        void stop();
        reject(new Error('trivial responder sent no URL'));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`trivial responder exited early (code ${code}, signal ${signal})`));
    });
  });
}
