import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { errorText, withTimeout } from './async.util';
import type { ConfigurationBenchParameters, ConfigurationBenchReport, MeasurementOutcome } from './bench-report.types';
import { benchEffectiveConfiguration } from './effective-configuration.bench';
import { OperatorApiClient } from './operator-api.client';
import { benchPhoneDetail } from './phone-detail.bench';
import { benchCsvImport } from './phone-import.bench';
import { benchPhoneList } from './phone-list.bench';
import { loadStack } from './stack.loader';

export interface ConfigurationRunOptions {
  parameters: ConfigurationBenchParameters;
  /** Items in each phone's stored full report (BENCH_ITEMS, as the storms use). */
  reportedItems: number;
  logRoot: string;
  startTimeoutMs: number;
  log: (line: string) => void;
}

interface OperatorAccess {
  api: OperatorApiClient;
  databaseUrl: string;
}

const IN_PROCESS_WARM_UP = 1000;
const API_WARM_UP = 200;

/**
 * The configuration measurements: effective configuration + delivery plan in-process first
 * (no stack, nothing else running), then the API ones, each on an embedded stack of its own
 * (fresh data directory), so one's rows, caches and background work do not colour another's
 * numbers. Stack start-up and seeding are outside every timing.
 */
export async function runConfigurationBenches(options: ConfigurationRunOptions): Promise<ConfigurationBenchReport> {
  const { parameters, log } = options;
  log(`\n== configuration: effective configuration for ${parameters.effectivePhones} phones, in-process`);
  const effective = inProcess(options, 'effective', () =>
    benchEffectiveConfiguration({ phones: parameters.effectivePhones, reportedItems: options.reportedItems, warmUp: Math.min(IN_PROCESS_WARM_UP, parameters.effectivePhones) }, log),
  );
  log(`\n== configuration: effective configuration for ${parameters.effectivePhones} phones, over the API`);
  const phoneDetail = await onFreshEmbeddedStack(options, 'phone-detail', ({ api, databaseUrl }) =>
    benchPhoneDetail(api, databaseUrl, { phones: parameters.effectivePhones, reportedItems: options.reportedItems, warmUp: Math.min(API_WARM_UP, parameters.effectivePhones) }, log),
  );
  log(`\n== configuration: CSV import of ${parameters.importLines} lines`);
  const csvImport = await onFreshEmbeddedStack(options, 'import', ({ api }) => benchCsvImport(api, parameters.importLines, log));
  log(`\n== configuration: phone list over ${parameters.listPhones} phones`);
  const phoneList = await onFreshEmbeddedStack(options, 'list', ({ api, databaseUrl }) =>
    benchPhoneList(api, databaseUrl, { phones: parameters.listPhones, requests: parameters.listRequests, warmUp: parameters.listWarmUp, reportedItems: options.reportedItems }, log),
  );
  return { parameters, effective, phoneDetail, csvImport, phoneList };
}

function inProcess<T>(options: ConfigurationRunOptions, name: string, work: () => T): MeasurementOutcome<T> {
  try {
    return { status: 'measured', result: work() };
  } catch (error) {
    const outcome: MeasurementOutcome<T> = { status: 'failed', error: errorText(error) };
    options.log(`FAILED (configuration ${name}): ${outcome.error}`);
    return outcome;
  }
}

async function onFreshEmbeddedStack<T>(options: ConfigurationRunOptions, name: string, work: (access: OperatorAccess) => Promise<T>): Promise<MeasurementOutcome<T>> {
  const logDir = path.join(options.logRoot, `config-${name}`);
  await mkdir(logDir, { recursive: true });
  const dataDir = await mkdtemp(path.join(tmpdir(), `workpoint-bench-config-${name}-`));
  const outcome: MeasurementOutcome<T> = { status: 'failed', logDir };
  try {
    const stack = await loadStack();
    const starting = stack.startEmbedded({ dataDir, logDir });
    starting.catch(() => undefined);
    const running = await withTimeout(starting, options.startTimeoutMs, 'starting the embedded stack').catch((error: unknown) => {
      void starting.then((late) => late.stop()).catch(() => undefined);
      throw error;
    });
    try {
      if (!running.apiUrl || !running.apiKey || !running.databaseUrl) throw new Error('the stack does not report apiUrl, apiKey and databaseUrl (is tools/stack up to date and built?)');
      const api = new OperatorApiClient(running.apiUrl, running.apiKey);
      try {
        outcome.result = await work({ api, databaseUrl: running.databaseUrl });
        outcome.status = 'measured';
      } finally {
        api.close();
      }
    } finally {
      await withTimeout(running.stop(), 60_000, 'stopping the embedded stack');
    }
  } catch (error) {
    outcome.error = errorText(error);
    options.log(`FAILED (configuration ${name}): ${outcome.error}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return outcome;
}
