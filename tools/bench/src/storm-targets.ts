import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { errorText, withTimeout } from './async.util';
import type { TargetKey } from './bench-report.types';
import { loadStack, type RunningStack } from './stack.loader';
import { startTrivialResponderProcess } from './trivial-responder.process';

/** A storm target as the storm and hostile parts start it. */
export interface TargetPlan {
  key: TargetKey;
  name: string;
  /** Stack targets get a log directory; the responder writes none. */
  writesLogs: boolean;
  /** `env`: extra environment for the stack's apps (ignored by the responder). */
  start(logDir: string, env?: Record<string, string>): Promise<StartedTarget>;
}

export type StartedTarget = RunningStack & { cleanUp?: () => Promise<void> };

export function envInt(name: string, fallback: number, min = 1): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

export function responderTlsKey(): 'rsa' | 'ec' {
  const value = process.env.BENCH_TLS_KEY ?? 'rsa';
  if (value !== 'rsa' && value !== 'ec') throw new Error(`BENCH_TLS_KEY must be rsa or ec, got "${value}"`);
  return value;
}

export function targetPlans(): TargetPlan[] {
  const gateways = process.env.BENCH_GATEWAYS ? envInt('BENCH_GATEWAYS', 1) : undefined;
  return [
    {
      key: 'c',
      name: 'trivial responder',
      writesLogs: false,
      start: () => startTrivialResponderProcess(responderTlsKey()),
    },
    {
      key: 'b',
      name: 'embedded',
      writesLogs: true,
      start: async (logDir, env) => {
        const stack = await loadStack();
        const dataDir = await mkdtemp(path.join(tmpdir(), 'workpoint-bench-embedded-'));
        try {
          const running = await stack.startEmbedded({ dataDir, logDir, ...(env ? { env } : {}) });
          return { urls: running.urls, stop: () => running.stop(), cleanUp: () => rm(dataDir, { recursive: true, force: true }) };
        } catch (error) {
          await rm(dataDir, { recursive: true, force: true });
          throw error;
        }
      },
    },
    {
      key: 'a',
      name: 'distributed',
      writesLogs: true,
      start: async (logDir, env) => {
        const stack = await loadStack();
        const kafkaBrokers = process.env.KAFKA_BROKERS;
        const databaseUrl = process.env.DATABASE_URL;
        if (!kafkaBrokers || !databaseUrl) {
          throw new Error('KAFKA_BROKERS and DATABASE_URL are not set (run through tools/infra/with-infra.sh, i.e. npm run bench)');
        }
        return stack.startDistributed({ kafkaBrokers, databaseUrl, logDir, ...(gateways ? { gateways } : {}), ...(env ? { env } : {}) });
      },
    },
  ];
}

/** Starts a target within `startTimeoutMs`; one that comes up after the timeout is stopped, not left behind. */
export async function startTarget(plan: TargetPlan, logDir: string, startTimeoutMs: number, env?: Record<string, string>): Promise<StartedTarget> {
  if (plan.writesLogs) await mkdir(logDir, { recursive: true });
  const starting = plan.start(logDir, env);
  starting.catch(() => undefined);
  return withTimeout(starting, startTimeoutMs, `starting ${plan.name}`).catch((error: unknown) => {
    void starting.then((late) => late.stop().then(() => late.cleanUp?.())).catch(() => undefined);
    throw error;
  });
}

/** Stops a started target; returns what went wrong, if anything. */
export async function stopTarget(plan: TargetPlan, running: StartedTarget): Promise<string | undefined> {
  try {
    await withTimeout(running.stop(), 60_000, `stopping ${plan.name}`);
    await running.cleanUp?.();
    return undefined;
  } catch (error) {
    return `could not stop cleanly: ${errorText(error)}`;
  }
}
