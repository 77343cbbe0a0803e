import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { DEFAULT_SCAN_LIMITS, parseWorkpointMessage, worstCaseBodies, type HostileBody } from '@workpoint/wpi-codec';

// How long one phone message holds the event loop at the edge's limits (issue 8): every
// worst-case body of the hostile generator at MAX_BODY_BYTES (most are refused by the pre-scan),
// and bodies built to sit just under each pre-scan cap, which are parsed in full. Prints p50 and
// p99 over BENCH_PARSE_RUNS parses of each. Not a test: it asserts nothing.
// Run: npx nx run bench:build && node tools/bench/dist/parse-worst-case.js

const MAX_BODY_BYTES = Number(process.env['MAX_BODY_BYTES'] ?? 131072);
const RUNS = Number(process.env['BENCH_PARSE_RUNS'] ?? 200);
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

function main(): void {
  const bodies = [...worstCaseBodies(MAX_BODY_BYTES), ...atTheCaps()];
  console.log(`parse of one message, ${RUNS} runs each; MAX_BODY_BYTES=${MAX_BODY_BYTES}, caps ${JSON.stringify(DEFAULT_SCAN_LIMITS)}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${'body'.padEnd(44)} ${'size'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  outcome`);
  for (const body of bodies) console.log(measure(body));
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main();
