import * as path from 'node:path';
import { GatewayEnvSchema } from '@workpoint/config';
import { formatStormSummary, type StormResult } from '@workpoint/phone-sim';
import { DEFAULT_SCAN_LIMITS, type HostileBody, maxAcceptedBody, worstCaseBodies } from '@workpoint/wpi-codec';
import { errorText } from './async.util';
import type { HostileBenchParameters, HostileBenchReport, HostileTargetOutcome } from './bench-report.types';
import { type HostileNeighbourResult, startHostileNeighbour } from './hostile-neighbour.client';
import { envInt, type StartedTarget, startTarget, stopTarget, targetPlans } from './storm-targets';

/**
 * The "hostile neighbour" row (issue 8): on the embedded mode and the distributed stack, the
 * normal start-up storm runs twice on one running target, first alone, then while one client
 * on another loopback address sends worst-case bodies (each exactly MAX_BODY_BYTES) as fast
 * as it gets answers. What matters is how much the neighbour slows the real phones: their
 * start-ups/s and p50/p99 per exchange in both runs, and the ratios with/without.
 */
export interface HostileRunOptions {
  logRoot: string;
  startTimeoutMs: number;
  /** Runs one storm of `phones` against `urls`, bounded by `deadlineMs`. */
  storm(urls: string[], phones: number, deadlineMs: number): Promise<StormResult>;
  log: (line: string) => void;
}

/** The gateway's own default unless BENCH_HOSTILE_BODY_BYTES says otherwise; validated like the gateway does. */
function bodyLimit(): number {
  return GatewayEnvSchema.shape.MAX_BODY_BYTES.parse(process.env.BENCH_HOSTILE_BODY_BYTES || undefined);
}

export function hostileParameters(concurrency: number, itemCount: number): HostileBenchParameters {
  const maxBodyBytes = bodyLimit();
  return {
    phones: envInt('BENCH_HOSTILE_PHONES', 300),
    concurrency,
    itemCount,
    maxBodyBytes,
    bodies: worstCaseBodies(maxBodyBytes).map((body) => body.name),
    connections: envInt('BENCH_HOSTILE_CONNECTIONS', 2),
    // Each max-accepted request waits for its unknown nonce (500 ms) after the parse, so it takes
    // more connections than the refused bodies to keep the gateway's parser busy: 16 give ~32/s.
    acceptedConnections: envInt('BENCH_HOSTILE_ACCEPTED_CONNECTIONS', 16),
    maxRequests: envInt('BENCH_HOSTILE_MAX_REQUESTS', 5000),
    deadlineMs: envInt('BENCH_HOSTILE_DEADLINE_MS', 30_000),
    neighbourAddress: process.env.BENCH_HOSTILE_ADDRESS || '127.0.0.2',
  };
}

/** The most expensive body the gateway accepts at `maxBodyBytes` and the default caps (the target runs with them). */
function acceptedBodies(maxBodyBytes: number): HostileBody[] {
  return [{ name: 'max-accepted', body: maxAcceptedBody({ maxBodyBytes, scanLimits: DEFAULT_SCAN_LIMITS }) }];
}

/** One result for the neighbour's two kinds of connection. */
function merged(results: readonly HostileNeighbourResult[]): HostileNeighbourResult {
  const answers: Record<string, number> = {};
  for (const result of results) for (const [status, count] of Object.entries(result.answers)) answers[status] = (answers[status] ?? 0) + count;
  return {
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    answers,
    bytesSent: results.reduce((sum, result) => sum + result.bytesSent, 0),
    wallMs: Math.max(0, ...results.map((result) => result.wallMs)),
    firstErrors: results.flatMap((result) => result.firstErrors).slice(0, 5),
  };
}

const ratio = (withNeighbour: number, without: number) => (without > 0 ? withNeighbour / without : Number.NaN);

export async function runHostileBench(parameters: HostileBenchParameters, options: HostileRunOptions): Promise<HostileBenchReport> {
  const { log } = options;
  const targets: HostileTargetOutcome[] = [];
  const bodies = worstCaseBodies(parameters.maxBodyBytes);
  const accepted = acceptedBodies(parameters.maxBodyBytes);
  // Warm-up phones per target, so the first storm does not pay for cold caches alone.
  // A storm as large as the measured ones: with only 20 phones the distributed stack was still
  // warming up (JIT, consumer fetches, connection pools) in the run without the neighbour, which
  // then came out slower than the run with it (31.5 vs 41.0 start-ups/s, 2026-12-04).
  const warmUp = parameters.phones;
  for (const plan of targetPlans().filter((candidate) => candidate.key !== 'c')) {
    const outcome: HostileTargetOutcome = { key: plan.key as HostileTargetOutcome['key'], name: plan.name, status: 'skipped' };
    targets.push(outcome);
    log(`\n== hostile neighbour, (${plan.key}) ${plan.name}: ${parameters.phones} phones without, then with the neighbour`);
    const logDir = path.join(options.logRoot, `hostile-${plan.key}`);
    outcome.logDir = logDir;
    let running: StartedTarget;
    try {
      running = await startTarget(plan, logDir, options.startTimeoutMs, { MAX_BODY_BYTES: String(parameters.maxBodyBytes) });
    } catch (error) {
      outcome.error = `could not start: ${errorText(error)}`;
      log(`SKIPPED (hostile, ${plan.name}): ${outcome.error}`);
      continue;
    }
    try {
      await options.storm(running.urls, warmUp, parameters.deadlineMs);
      outcome.without = await options.storm(running.urls, parameters.phones, parameters.deadlineMs);
      log(`without the neighbour:\n${formatStormSummary(outcome.without)}`);
      const neighbourOf = (sent: readonly HostileBody[], connections: number) =>
        startHostileNeighbour({
          urls: running.urls,
          bodies: sent,
          connections,
          maxRequests: parameters.maxRequests,
          maxMs: parameters.deadlineMs,
          localAddress: parameters.neighbourAddress,
        });
      const neighbours = [neighbourOf(bodies, parameters.connections)];
      if (parameters.acceptedConnections > 0) neighbours.push(neighbourOf(accepted, parameters.acceptedConnections));
      try {
        outcome.with = await options.storm(running.urls, parameters.phones, parameters.deadlineMs);
      } finally {
        outcome.neighbour = merged(await Promise.all(neighbours.map((neighbour) => neighbour.stop())));
      }
      log(`with the neighbour:\n${formatStormSummary(outcome.with)}`);
      log(`neighbour: ${outcome.neighbour.requests} requests (${JSON.stringify(outcome.neighbour.answers)}), ${(outcome.neighbour.bytesSent / 1048576).toFixed(0)} MiB sent`);
      outcome.ratios = {
        startUpsPerSec: ratio(outcome.with.startUpsPerSec, outcome.without.startUpsPerSec),
        p50: ratio(outcome.with.latencyMs.p50, outcome.without.latencyMs.p50),
        p99: ratio(outcome.with.latencyMs.p99, outcome.without.latencyMs.p99),
      };
      outcome.status = 'measured';
    } catch (error) {
      outcome.status = 'failed';
      outcome.error = `storm failed: ${errorText(error)}`;
      log(`FAILED (hostile, ${plan.name}): ${outcome.error}`);
    } finally {
      const message = await stopTarget(plan, running);
      if (message) {
        outcome.error = outcome.error ? `${outcome.error}; ${message}` : message;
        log(`WARNING (hostile, ${plan.name}): ${message}`);
      }
    }
  }
  return { parameters, targets };
}

/** What went wrong; phones that did not complete in the run with the neighbour are the finding, not a problem. */
export function hostileProblems(report: HostileBenchReport): string[] {
  const problems: string[] = [];
  for (const target of report.targets) {
    if (target.error) problems.push(`(${target.key}) ${target.name}: ${target.error}`);
    else if (target.without && target.without.completedOk !== target.without.phones) {
      problems.push(`(${target.key}) ${target.name}: ${target.without.completedOk}/${target.without.phones} start-ups ok without the neighbour`);
    }
  }
  return problems;
}
