import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { createParseWorkerPool, PhoneMessageParser } from '@workpoint/gateway';
import { buildWorkpointMessage, DEFAULT_SCAN_LIMITS, maxAcceptedBody, parseWorkpointMessage, worstCaseBodies, type HostileBody } from '@workpoint/wpi-codec';

// How long one phone message holds the event loop at the edge's limits (issue 8): every
// worst-case body of the hostile generator at MAX_BODY_BYTES (most are refused by the pre-scan),
// and bodies built to sit just under each pre-scan cap, which are parsed in full. Prints p50 and
// p99 over BENCH_PARSE_RUNS parses of each. Then the gateway's PhoneMessageParser, inline and
// with its worker pool: per message, the latency, the event loop's own time (the pool's
// overhead) and the event-loop delay (monitorEventLoopDelay) while the same body is parsed
// again and again. Not a test: it asserts nothing.
// Run: npx nx run bench:build && node tools/bench/dist/parse-worst-case.js

const MAX_BODY_BYTES = Number(process.env['MAX_BODY_BYTES'] ?? 131072);
const RUNS = Number(process.env['BENCH_PARSE_RUNS'] ?? 200);
const MIN_SAMPLING_MS = 1000;
const INLINE_MAX_BYTES = Number(process.env['PARSE_INLINE_MAX_BYTES'] ?? 16_384);
const NONCE = '4F6A1034A46B463F8D008DA09314040A';
const NS = 'xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"';
/** '=' and '<' the envelope itself uses (declaration, root, Message, ReasonForContact, ItemList). */
const ENVELOPE_SLACK = 16;

function reply(items: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="utf-8"?><WorkpointMessage ${NS}><Message nonce="${NONCE}" maxItems="-1" fragment="next">` +
      `<ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact><ItemList>${items}</ItemList></Message></WorkpointMessage>`,
    'utf8',
  );
}

/** Bodies that pass the pre-scan with as much of each costly thing as the caps allow. */
function atTheCaps(): HostileBody[] {
  const { maxElements, maxAttributes, maxReferences } = DEFAULT_SCAN_LIMITS;
  const items = maxElements - ENVELOPE_SLACK;
  const attributesPerItem = Math.min(3, Math.floor((maxAttributes - ENVELOPE_SLACK) / items));
  const withAttributes = Array.from({ length: items }, (_, i) =>
    attributesPerItem >= 3 ? `<Item name="function-key-def" index="${i}" status="invalid index"/>` : `<Item name="function-key-def" index="${i}">0</Item>`,
  ).join('');
  const valueBytes = Math.floor((MAX_BODY_BYTES - 600) / items) - 30;
  const withValues = Array.from({ length: items }, (_, i) => `<Item name="k${i}">${'v'.repeat(Math.max(1, valueBytes))}</Item>`).join('');
  const references = `<Item name="display-id">${'&#65;'.repeat(maxReferences - ENVELOPE_SLACK)}</Item>`;
  const oneValue = `<Item name="userdata-phonebook" index="1">${'A'.repeat(MAX_BODY_BYTES - 700)}</Item>`;
  return [
    { name: `cap: ${items} items x ${attributesPerItem} attributes`, body: reply(withAttributes) },
    { name: `cap: ${items} items filling ${MAX_BODY_BYTES} bytes`, body: reply(withValues) },
    { name: `cap: ${maxReferences - ENVELOPE_SLACK} character references`, body: reply(references) },
    { name: `cap: one value of ${MAX_BODY_BYTES - 700} characters`, body: reply(oneValue) },
  ];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function measure({ name, body }: HostileBody): string {
  let outcome = 'parsed';
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    try {
      parseWorkpointMessage(body);
    } catch (error) {
      outcome = error instanceof Error ? error.message.slice(0, 60) : String(error);
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const ms = (value: number) => value.toFixed(2).padStart(8);
  return `${name.padEnd(44)} ${String(body.length).padStart(8)} B ${ms(percentile(times, 50))} ${ms(percentile(times, 99))}  ${outcome}`;
}

interface ParserRun {
  latencyP50: number;
  latencyP99: number;
  /** Event-loop busy time per message: what the phone edge pays for it, on the thread every phone shares. */
  loopMsPerMessage: number;
  delayP99: number;
  delayMax: number;
}

/**
 * Parses `body` RUNS times, one at a time, each in its own macrotask (as requests arrive),
 * while monitorEventLoopDelay samples every millisecond how late the loop is.
 */
async function parseRepeatedly(parser: PhoneMessageParser, body: Buffer): Promise<ParserRun> {
  for (let warm = 0; warm < 20; warm++) await parser.parse(body);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  const utilisation = performance.eventLoopUtilization();
  delay.enable();
  const begun = performance.now();
  // At least a second of sampling, so a short run's one GC pause is not its p99.
  for (let run = 0; run < RUNS || performance.now() - begun < MIN_SAMPLING_MS; run++) {
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await parser.parse(body);
    latencies.push(performance.now() - started);
  }
  delay.disable();
  const busy = performance.eventLoopUtilization(utilisation);
  latencies.sort((a, b) => a - b);
  return {
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    loopMsPerMessage: busy.active / latencies.length,
    delayP99: delay.percentile(99) / 1e6,
    delayMax: delay.max / 1e6,
  };
}

/** The same bodies through the gateway's parser: inline (PARSE_WORKERS=0), hybrid as deployed, and forced into the pool. */
async function parserModes(): Promise<void> {
  const pool = createParseWorkerPool({ workers: 1, queueMax: 64 });
  const options = { queueMax: 64, scanLimits: DEFAULT_SCAN_LIMITS };
  const modes = {
    inline: new PhoneMessageParser(undefined, { ...options, inlineMaxBytes: INLINE_MAX_BYTES }),
    hybrid: new PhoneMessageParser(pool, { ...options, inlineMaxBytes: INLINE_MAX_BYTES }),
    pooled: new PhoneMessageParser(pool, { ...options, inlineMaxBytes: 0 }),
  };
  const startUp = Buffer.from(
    buildWorkpointMessage({ nonce: NONCE, maxItems: -1, reason: 'start-up', items: [{ name: 'mac-addr', value: '00:1A:E8:00:00:01' }, { name: 'device-type', value: 'OpenStage 60' }] }),
  );
  const bodies: HostileBody[] = [
    { name: 'start-up', body: startUp },
    { name: `max accepted at ${INLINE_MAX_BYTES} B`, body: maxAcceptedBody({ maxBodyBytes: INLINE_MAX_BYTES, scanLimits: DEFAULT_SCAN_LIMITS }) },
    { name: `max accepted at ${MAX_BODY_BYTES} B`, body: maxAcceptedBody({ maxBodyBytes: MAX_BODY_BYTES, scanLimits: DEFAULT_SCAN_LIMITS }) },
  ];
  console.log(`\nPhoneMessageParser, at least ${RUNS} parses and 1 s each, one at a time; PARSE_INLINE_MAX_BYTES=${INLINE_MAX_BYTES}, 1 worker`);
  console.log('  latency: parse call to result; loop ms/msg: event-loop busy time per message; delay: monitorEventLoopDelay (1 ms resolution)');
  console.log(`${'body'.padEnd(32)} ${'size'.padStart(8)}  ${'mode'.padEnd(7)} ${'lat p50'.padStart(8)} ${'lat p99'.padStart(8)} ${'loop ms'.padStart(8)} ${'dly p99'.padStart(8)} ${'dly max'.padStart(8)}`);
  const ms = (value: number) => value.toFixed(2).padStart(8);
  try {
    for (const { name, body } of bodies) {
      for (const [mode, parser] of Object.entries(modes)) {
        const run = await parseRepeatedly(parser, body);
        console.log(
          `${name.padEnd(32)} ${String(body.length).padStart(8)}  ${mode.padEnd(7)} ${ms(run.latencyP50)} ${ms(run.latencyP99)} ${ms(run.loopMsPerMessage)} ${ms(run.delayP99)} ${ms(run.delayMax)}`,
        );
      }
    }
  } finally {
    await pool.destroy();
  }
}

async function main(): Promise<void> {
  const bodies = [...worstCaseBodies(MAX_BODY_BYTES), ...atTheCaps(), { name: 'max accepted (all caps, 3 attributes)', body: maxAcceptedBody({ maxBodyBytes: MAX_BODY_BYTES, scanLimits: DEFAULT_SCAN_LIMITS }) }];
  console.log(`parse of one message, ${RUNS} runs each; MAX_BODY_BYTES=${MAX_BODY_BYTES}, caps ${JSON.stringify(DEFAULT_SCAN_LIMITS)}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${'body'.padEnd(44)} ${'size'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  outcome`);
  for (const body of bodies) console.log(measure(body));
  await parserModes();
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
