import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContactMeRequestedTopic } from '@workpoint/contracts';
import { type EmbeddedPostgres, openServiceDataSource, startEmbeddedPostgres } from '@workpoint/database';
import { INVENTORY_SCHEMA, InventoryModule, PhoneEntity } from '@workpoint/inventory';
import { createLogger } from '@workpoint/logging';
import { InProcessBus } from '@workpoint/messaging';
import { startStageApp } from '@workpoint/runtime';

/**
 * Contact-me pace, measured on the real clock, real HTTP and real PostgreSQL, through the path
 * production runs: N phones (each its own contact-me URI on one loopback listener) asked to
 * call back at once, then every phone asked again within the gap. The requests go as
 * `inventory.contact-me.requested.v1` over the embedded mode's in-process bus to the inventory
 * stage app, which stores them (`contact_me_request`) for its `ContactMeRelay`. PostgreSQL is
 * DATABASE_URL when set (a throwaway one: the bench's phones stay), else an embedded one in a
 * temporary directory, removed afterwards.
 * Prints when the sends started, the busiest second, and any phone reached twice. Not a test:
 * it asserts nothing about time.
 */
async function main(): Promise<void> {
  const phones = Number(process.env['BENCH_CONTACT_ME_PHONES'] ?? 2000);
  const rate = Number(process.env['BENCH_CONTACT_ME_RATE'] ?? 500);
  const starts = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const phone = (req.url ?? '').split('/')[1] ?? '';
    const list = starts.get(phone) ?? [];
    list.push(performance.now());
    starts.set(phone, list);
    req.resume();
    res.writeHead(204, { Server: 'DlsClient', 'Content-Length': '0' }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const target = (i: number) => `http://127.0.0.1:${port}/p${i}/contact_dls.html/ContactDLS`;
  // Random leading bytes: on a reused DATABASE_URL the bench's phones are its own.
  const prefix = [...randomBytes(2)].map((b) => b.toString(16).padStart(2, '0').toUpperCase());
  const mac = (i: number) => ['02', ...prefix, ...[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase())].join(':');
  const macs = Array.from({ length: phones }, (_, i) => mac(i));

  // The use case logs each request's decision (start, coalesce, within-gap) at debug level.
  const decisions = new Map<string, number>();
  const logger = createLogger('contact-me-pace', 'debug', (line) => {
    if (!line.includes('"contact-me requested"')) {
      if (line.includes('"level":"warn"') || line.includes('"level":"error"')) process.stderr.write(`${line}\n`);
      return;
    }
    const kind = (JSON.parse(line) as { result?: { kind?: string } }).result?.kind ?? 'unknown';
    decisions.set(kind, (decisions.get(kind) ?? 0) + 1);
  });
  const pgDir = process.env['DATABASE_URL'] ? undefined : mkdtempSync(join(tmpdir(), 'workpoint-bench-contact-me-'));
  const postgres: EmbeddedPostgres | undefined = pgDir ? await startEmbeddedPostgres({ dataDir: join(pgDir, 'postgres') }) : undefined;
  const dataSource = await openServiceDataSource(process.env['DATABASE_URL'] ?? postgres!.url, INVENTORY_SCHEMA, 10, 'bench-contact-me-pace');
  const bus = new InProcessBus(logger);
  try {
    // Phones that made contact an hour ago from 127.0.0.1 and reported their contact-me-uri.
    const known = new Date(Date.now() - 3600_000);
    const rows = macs.map((m, i) => ({
      mac: m, e164: null, deviceType: null, softwareVersion: null, contactMeUri: target(i), contactMeRefusal: null, basicItems: [], registeredAt: known,
      registeredContactId: null, registrationPublishedAt: null, lastContactAt: known, lastReason: 'solicited', lastRemoteAddress: '127.0.0.1', lastFullReportAt: null,
    }));
    for (let i = 0; i < rows.length; i += 500) await dataSource.getRepository(PhoneEntity).insert(rows.slice(i, i + 500));

    const app = await startStageApp({
      stage: 'inventory',
      deps: { bus, dataSource, logger },
      module: () => InventoryModule.forRoot({ contactMe: { ratePerSecond: rate, maxInFlight: 32, gapMs: 300_000, timeoutMs: 5000 } }),
    });
    const handled = () => [...decisions.values()].reduce((a, b) => a + b, 0);
    const recorded = async () => (await dataSource.query<Array<{ n: string }>>('SELECT count(*) AS n FROM contact_me_attempt WHERE mac = ANY($1)', [macs]))[0]!.n;

    const t0 = performance.now();
    const ask = (m: string) => bus.publish(ContactMeRequestedTopic, m, { mac: m, requestedBy: 'bench', at: new Date().toISOString() });
    for (const m of macs) await ask(m);
    for (const m of macs) await ask(m);
    // Done when every request was handled and every phone's attempt is recorded (or nothing moves for 30 s).
    let last = -1;
    let still = performance.now();
    for (;;) {
      const now = Number(await recorded());
      if (handled() >= 2 * phones && now >= phones) break;
      if (now !== last || handled() < 2 * phones) [last, still] = [now, performance.now()];
      if (performance.now() - still > 30_000) break;
      await sleep(20);
    }
    const wallMs = performance.now() - t0;

    const all = [...starts.values()].flat().sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < all.length; i++) {
      while (all[i]! - all[j]! >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const twice = [...starts.values()].filter((l) => l.length > 1).length;
    const outcomes = new Map(
      (await dataSource.query<Array<{ outcome: string; n: string }>>('SELECT outcome, count(*) AS n FROM contact_me_attempt WHERE mac = ANY($1) GROUP BY outcome', [macs])).map((r) => [r.outcome, Number(r.n)]),
    );
    const [requestRows] = await dataSource.query<Array<{ tracked: string; queued: string; waiting: string; deferred: string }>>(
      `SELECT count(*) AS tracked,
              count(*) FILTER (WHERE due_at IS NOT NULL AND NOT deferred AND attempts_made = 0) AS queued,
              count(*) FILTER (WHERE due_at IS NOT NULL AND NOT deferred AND attempts_made > 0) AS waiting,
              count(*) FILTER (WHERE deferred) AS deferred
         FROM contact_me_request WHERE mac = ANY($1)`,
      [macs],
    );
    const sent = [...outcomes.values()].reduce((a, b) => a + b, 0);
    const absorbed = (decisions.get('coalesce') ?? 0) + (decisions.get('within-gap') ?? 0);
    const result = {
      phones,
      ratePerSecond: rate,
      reached: starts.size,
      reachedTwice: twice,
      /** Requests (of both rounds) that caused no new contact: joined the active one, or deferred to the end of the gap. */
      secondRequestsAbsorbed: absorbed,
      wallSeconds: Number((wallMs / 1000).toFixed(2)),
      busiestSecond: busiest,
      /** As the in-memory scheduler's stats() had them, now read from PostgreSQL once every attempt is recorded. */
      stats: {
        queued: Number(requestRows!.queued),
        waitingRetry: Number(requestRows!.waiting),
        /** Requests the phones received that have no recorded attempt yet. */
        inFlight: all.length - sent,
        tracked: Number(requestRows!.tracked),
        sent,
        accepted: outcomes.get('accepted') ?? 0,
        refused: outcomes.get('refused') ?? 0,
        unreachable: outcomes.get('unreachable') ?? 0,
        timedOut: outcomes.get('timed-out') ?? 0,
        invalidTarget: outcomes.get('invalid-target') ?? 0,
        coalesced: absorbed,
        /** Second requests waiting for the end of their phone's gap (made then, unless the phone calls first). */
        deferred: Number(requestRows!.deferred),
      },
      database: postgres ? 'embedded' : 'DATABASE_URL',
    };
    console.log(
      `contact-me pace (ContactMeRelay on PostgreSQL): ${phones} phones at ${rate}/s → reached ${result.reached} in ${result.wallSeconds} s, busiest second ${busiest} requests, second requests absorbed ${absorbed}/${phones}, reached twice ${twice}`,
    );
    const dir = process.env['BENCH_RESULTS_DIR'] ?? join(__dirname, '..', '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `contact-me-pace-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    await app.close();
  } finally {
    server.close();
    await bus.close();
    // Closed by the app unless it never started.
    if (dataSource.isInitialized) await dataSource.destroy();
    await postgres?.stop();
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
