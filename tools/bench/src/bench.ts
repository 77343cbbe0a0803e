import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import { MAX_PHONES_PER_OUI, formatStormSummary, runStorm, type StormResult } from '@workpoint/phone-sim';
import { errorText } from './async.util';
import { configurationProblems, formatConfigurationTables, formatHostileTable, formatMarkdown, formatResultTable } from './bench-report.formatter';
import type { BenchParameters, BenchReport, ConfigurationBenchParameters, TargetKey, TargetOutcome } from './bench-report.types';
import { runConfigurationBenches } from './configuration-bench.runner';
import { describeMachine } from './machine-description.util';
import { hostileParameters, hostileProblems, runHostileBench } from './hostile-bench.runner';
import { envInt, responderTlsKey, type StartedTarget, startTarget, stopTarget, targetPlans } from './storm-targets';

// A start-up storm against (c) the trivial responder, (b) the embedded mode and (a) the
// distributed stack, in that order; then the configuration measurements: effective
// configuration + delivery plan per phone in-process (and again over the operator API), CSV
// import and list queries through the operator API on embedded stacks. Between them the
// "hostile neighbour" (hostile-bench.runner.ts): the storm on (b) and (a) without and with a
// client sending worst-case bodies.
// BENCH_ONLY (storm, hostile, config; all by default) picks the parts. Run through `npm run bench`
// (tools/bench/run.sh), which builds everything and starts Kafka/PostgreSQL for (a). Not a
// test: nothing here asserts timing; the exit code only says whether every target could be
// started and served every phone correctly (the hostile part: without the neighbour), and
// every configuration measurement ran and got the answers it expected.

const BENCH_PARTS = ['storm', 'hostile', 'config'] as const;
type BenchPart = (typeof BENCH_PARTS)[number];

/** BENCH_ONLY as run.sh passes it (`contact-me` is run.sh's own part, not this program's). */
function benchParts(): Set<BenchPart> {
  const named = (process.env.BENCH_ONLY ?? BENCH_PARTS.join(',')).split(',').map((part) => part.trim()).filter((part) => part !== '' && part !== 'contact-me');
  const unknown = named.filter((part) => !(BENCH_PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; use ${BENCH_PARTS.join(', ')}, contact-me`);
  return new Set(named as BenchPart[]);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const parameters: BenchParameters = {
    phones: envInt('BENCH_PHONES', 1000),
    concurrency: envInt('BENCH_CONCURRENCY', 32),
    warmUpPhones: envInt('BENCH_WARMUP', 20, 0),
    itemCount: envInt('BENCH_ITEMS', 200),
    connection: 'close',
    responderTlsKey: responderTlsKey(),
    tlsSessionReuse: envInt('BENCH_TLS_RESUME', 1, 0) !== 0,
    deadlineMs: envInt('BENCH_DEADLINE_MS', 600_000),
  };
  const startTimeoutMs = envInt('BENCH_START_TIMEOUT_MS', 180_000);
  const parts = benchParts();
  const configurationParameters: ConfigurationBenchParameters = {
    effectivePhones: envInt('BENCH_CONFIG_PHONES', 10_000),
    importLines: envInt('BENCH_IMPORT_LINES', 10_000),
    listPhones: envInt('BENCH_LIST_PHONES', 100_000),
    listRequests: envInt('BENCH_LIST_REQUESTS', 200),
    listWarmUp: envInt('BENCH_LIST_WARMUP', 20, 0),
  };
  const only = parts.has('storm') ? (process.env.BENCH_TARGETS ?? 'c,b,a').split(',').map((key) => key.trim()) : [];
  const unknown = only.filter((key) => !['a', 'b', 'c'].includes(key));
  if (unknown.length > 0) throw new Error(`BENCH_TARGETS: unknown target(s) ${unknown.join(', ')}; use a, b, c`);
  const date = new Date();
  const stamp = date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.resolve(__dirname, '../../../bench/results');
  const logRoot = path.join(tmpdir(), `workpoint-bench-${stamp}`);
  const machine = describeMachine();

  log(`bench (${[...parts].join(', ')}): ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
  if (parts.has('storm')) {
    log(`storm: ${parameters.phones} phones, concurrency ${parameters.concurrency}, ${parameters.itemCount} items, warm-up ${parameters.warmUpPhones}`);
  }

  // Consecutive MAC ranges from one random base: every storm meets phones no target has seen.
  let nextNic = randomInt(0, MAX_PHONES_PER_OUI);
  const storm = (urls: string[], phones: number, deadlineMs = parameters.deadlineMs): Promise<StormResult> => {
    const macStart = nextNic;
    nextNic = (nextNic + phones) % MAX_PHONES_PER_OUI;
    return runStorm({
      phones,
      concurrency: parameters.concurrency,
      urls,
      itemCount: parameters.itemCount,
      macStart,
      tlsSessionReuse: parameters.tlsSessionReuse,
      deadlineMs,
    });
  };

  const targets: TargetOutcome[] = [];
  for (const plan of targetPlans().filter((candidate) => only.includes(candidate.key))) {
    const outcome: TargetOutcome = { key: plan.key, name: plan.name, status: 'skipped' };
    targets.push(outcome);
    log(`\n== (${plan.key}) ${plan.name}`);
    const logDir = path.join(logRoot, plan.key);
    let running: StartedTarget;
    try {
      if (plan.writesLogs) outcome.logDir = logDir;
      running = await startTarget(plan, logDir, startTimeoutMs);
      outcome.urls = running.urls;
      log(`started: ${running.urls.join(', ')}`);
    } catch (error) {
      outcome.error = `could not start: ${errorText(error)}`;
      log(`SKIPPED (${plan.name}): ${outcome.error}`);
      continue;
    }
    try {
      if (parameters.warmUpPhones > 0) {
        outcome.warmUp = await storm(running.urls, parameters.warmUpPhones);
        log(`warm-up: ${outcome.warmUp.completedOk}/${outcome.warmUp.phones} ok`);
      }
      outcome.storm = await storm(running.urls, parameters.phones);
      outcome.status = 'measured';
      log(formatStormSummary(outcome.storm));
    } catch (error) {
      outcome.status = 'failed';
      outcome.error = `storm failed: ${errorText(error)}`;
      log(`FAILED (${plan.name}): ${outcome.error}`);
    } finally {
      const message = await stopTarget(plan, running);
      if (message) {
        outcome.error = outcome.error ? `${outcome.error}; ${message}` : message;
        log(`WARNING (${plan.name}): ${message}`);
      }
    }
  }

  const rate = (key: TargetKey): number | undefined => targets.find((target) => target.key === key)?.storm?.startUpsPerSec;
  const ceiling = rate('c');
  const relative = (key: TargetKey): number | undefined => {
    const value = rate(key);
    return value !== undefined && ceiling ? value / ceiling : undefined;
  };
  const report: BenchReport = {
    date: date.toISOString(),
    machine,
    parameters,
    targets,
    ratios: { aOverC: relative('a'), bOverC: relative('b') },
  };
  if (parts.has('hostile')) {
    report.hostile = await runHostileBench(hostileParameters(parameters.concurrency, parameters.itemCount), { logRoot, startTimeoutMs, storm, log });
  }
  if (parts.has('config')) {
    report.configuration = await runConfigurationBenches({ parameters: configurationParameters, reportedItems: parameters.itemCount, logRoot, startTimeoutMs, log });
  }

  if (targets.length > 0) log(`\n${formatResultTable(report)}`);
  if (report.hostile) log(`\n${formatHostileTable(report.hostile)}`);
  if (report.configuration) log(`\n${formatConfigurationTables(report.configuration)}`);
  await mkdir(resultsDir, { recursive: true });
  const base = path.join(resultsDir, `bench-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, formatMarkdown(report));
  const logged = targets.some((target) => target.logDir !== undefined) || report.configuration !== undefined || report.hostile !== undefined;
  log(`\nresults: ${base}.json, ${base}.md${logged ? `; target logs under ${logRoot}` : ''}`);

  const problems = targets.filter(
    (target) => target.status !== 'measured' || target.error || (target.storm && target.storm.completedOk !== target.storm.phones),
  );
  for (const target of problems) {
    log(`PROBLEM (${target.key}) ${target.name}: ${target.error ?? `${target.storm?.completedOk ?? 0}/${target.storm?.phones ?? parameters.phones} start-ups ok`}`);
  }
  const configuration = report.configuration ? configurationProblems(report.configuration) : [];
  for (const problem of configuration) log(`PROBLEM (configuration) ${problem}`);
  const hostile = report.hostile ? hostileProblems(report.hostile) : [];
  for (const problem of hostile) log(`PROBLEM (hostile neighbour) ${problem}`);
  return problems.length === 0 && configuration.length === 0 && hostile.length === 0 ? 0 : 1;
}

// Exits explicitly: a target that leaves handles behind after stop() must not hang the bench.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
