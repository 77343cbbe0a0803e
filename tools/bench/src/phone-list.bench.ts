import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { ListQueryTimings, PhoneListResult } from './bench-report.types';
import { fleetPhone, reportedItems } from './configuration-fleet.fixture';
import { summarizeLatencies } from '@workpoint/phone-sim';
import type { OperatorApiClient } from './operator-api.client';

export interface PhoneListOptions {
  phones: number;
  requests: number;
  warmUp: number;
  /** Items in each phone's stored full report (rows are as wide as in a real fleet). */
  reportedItems: number;
}

interface PhoneListAnswer {
  phones: unknown[];
  nextCursor: string | null;
}

interface QueryKind {
  kind: string;
  /** The query string of the n-th request. */
  query: (n: number) => string;
}

const PAGE = 100;
const WALK_PAGE = 1000;

/**
 * GET /api/v1/phones over a table of `phones` phones, seeded with one INSERT … SELECT
 * generate_series straight into configuration's table: the first page, filters by model, tag
 * and drift, a search by part of a MAC, and pages deep into the list. One request at a time.
 */
export async function benchPhoneList(api: OperatorApiClient, databaseUrl: string, options: PhoneListOptions, log: (line: string) => void): Promise<PhoneListResult> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let seedMs: number;
  let macs: string[];
  try {
    const started = performance.now();
    await seedPhones(db, options.phones, options.reportedItems);
    seedMs = performance.now() - started;
    macs = ((await db.query<{ mac: string }>('SELECT mac FROM configuration.managed_phone ORDER BY random() LIMIT $1', [options.requests])).rows).map((r) => r.mac);
  } finally {
    await db.end();
  }
  log(`list queries: ${options.phones} phones seeded in ${(seedMs / 1000).toFixed(1)} s`);

  // Deep cursors the way a client gets them: by paging (the cursor is opaque).
  const walkStarted = performance.now();
  const cursors: string[] = [];
  for (let cursor: string | null = null, pages = 0; pages === 0 || cursor !== null; pages++) {
    const page = (await api.expect(200, 'walking the phone list', api.get(`/api/v1/phones?limit=${WALK_PAGE}${cursor ? `&cursor=${cursor}` : ''}`))) as PhoneListAnswer;
    cursor = page.nextCursor;
    if (cursor) cursors.push(cursor);
  }
  log(`list queries: the whole list in pages of ${WALK_PAGE} took ${((performance.now() - walkStarted) / 1000).toFixed(1)} s (${cursors.length + 1} pages)`);
  const deep = cursors.slice(Math.floor(cursors.length / 2));
  if (deep.length === 0) throw new Error(`the list of ${options.phones} phones has no page past the middle to start from`);

  const kinds: QueryKind[] = [
    { kind: 'first page', query: () => `limit=${PAGE}` },
    { kind: 'model', query: () => `model=${encodeURIComponent('OpenStage 40')}&limit=${PAGE}` },
    { kind: 'tag', query: () => `tag=warehouse&limit=${PAGE}` },
    { kind: 'hasDrift', query: () => `hasDrift=true&limit=${PAGE}` },
    // The last four hex digits of a phone's MAC, a different phone each time.
    { kind: 'q (part of MAC)', query: (n) => `q=${macs[n % macs.length]!.slice(-5).replace(':', '')}&limit=${PAGE}` },
    { kind: 'deep cursor', query: (n) => `cursor=${deep[n % deep.length]!}&limit=${PAGE}` },
  ];
  const queries: ListQueryTimings[] = [];
  const all: number[] = [];
  for (const { kind, query } of kinds) {
    for (let n = 0; n < options.warmUp; n++) await api.get(`/api/v1/phones?${query(options.requests + n)}`);
    const ms: number[] = [];
    let rows = 0;
    let failures = 0;
    let firstFailure: string | undefined;
    for (let n = 0; n < options.requests; n++) {
      const answer = await api.get(`/api/v1/phones?${query(n)}`);
      if (answer.status !== 200) {
        failures++;
        firstFailure ??= `HTTP ${answer.status} after ${answer.ms.toFixed(1)} ms: ${answer.text.slice(0, 300)}`;
        continue;
      }
      ms.push(answer.ms);
      rows += (JSON.parse(answer.text) as PhoneListAnswer).phones.length;
    }
    all.push(...ms);
    const timings = { kind, example: query(0), ms: summarizeLatencies(ms), phonesPerPage: ms.length > 0 ? rows / ms.length : 0, failures };
    queries.push(timings);
    log(`  ${kind}: p50 ${timings.ms.p50.toFixed(1)} ms, p99 ${timings.ms.p99.toFixed(1)} ms, ${timings.phonesPerPage.toFixed(0)} phones/page${failures > 0 ? `, ${failures} FAILED (first: ${firstFailure})` : ''}`);
  }
  return { phones: options.phones, seedMs, queries, overallP99Ms: summarizeLatencies(all).p99 };
}

/**
 * One statement. Shares as a fleet might have them: 5 reported models (3 % of phones report
 * none and have CP200 assigned; phones never in contact have their model assigned), 40 sites, 12 tags of 1–20 % each, 7 % with drift, 2 % with faults, 2 % never in
 * contact; the others carry a full report of `itemCount` items, as wide as real rows.
 */
async function seedPhones(db: Client, phones: number, itemCount: number): Promise<void> {
  const report = reportedItems(fleetPhone(0, 0), itemCount);
  const tag = (name: string, share: number) => `CASE WHEN random() < ${share} THEN '${name}' END`;
  const tags = [
    tag('reception', 0.04), tag('sales', 0.15), tag('support', 0.12), tag('warehouse', 0.08), tag('management', 0.05), tag('lab', 0.03),
    tag('hotdesk', 0.1), tag('conference', 0.02), tag('emergency', 0.01), tag('call-center', 0.2), tag('kiosk', 0.02), tag('vip', 0.01),
  ];
  await db.query('SELECT setseed(0.42)');
  await db.query(
    `WITH p AS (
       SELECT g, random() AS r_model, random() AS r_version, random() < 0.02 AS never,
              upper(regexp_replace(lpad(to_hex((g::bigint * 7919) % 16777216), 6, '0'), '(..)(..)(..)', '\\1:\\2:\\3')) AS nic,
              lpad(g::text, 8, '0') AS number
       FROM generate_series(1, $2::int) AS g
     ), t AS (
       SELECT p.*, CASE WHEN r_model < 0.35 THEN 'OpenScape Desk Phone CP600' WHEN r_model < 0.60 THEN 'OpenScape Desk Phone CP400'
                        WHEN r_model < 0.80 THEN 'OpenStage 60' WHEN r_model < 0.92 THEN 'OpenStage 40' WHEN r_model < 0.97 THEN 'OpenStage 80' END AS device_type
       FROM p
     )
     INSERT INTO configuration.managed_phone (mac, e164, model, site, tags, user_name, profiles, assignment_version, assigned_at,
       device_type, software_version, reported_e164, observed, drift_count, fault_count, first_seen_at, last_contact_at, last_full_report_at, updated_at)
     SELECT '00:1A:E8:' || nic, '+4989' || number,
       CASE WHEN never OR device_type IS NULL THEN coalesce(device_type, 'OpenScape Desk Phone CP200') END,
       'site-' || lpad((1 + floor(random() * 40))::int::text, 2, '0'),
       array_remove(ARRAY[${tags.join(', ')}], NULL)::varchar[],
       'user' || g,
       CASE WHEN random() < 0.05 THEN ARRAY['vip'] ELSE '{}' END::varchar[],
       1, now(),
       CASE WHEN never THEN NULL ELSE device_type END,
       CASE WHEN never OR device_type IS NULL THEN NULL
            WHEN device_type LIKE 'OpenScape%' THEN CASE WHEN r_version < 0.7 THEN 'V1 R5.3.0' ELSE 'V1 R5.4.0' END
            ELSE CASE WHEN r_version < 0.6 THEN 'V3 R5.12.0' WHEN r_version < 0.9 THEN 'V3 R5.10.0' ELSE 'V2 R2.30.0' END END,
       CASE WHEN never THEN NULL ELSE '4989' || number END,
       CASE WHEN never THEN '{}'::jsonb ELSE $1::jsonb || jsonb_build_object('e164', '4989' || number, 'basic-e164', '4989' || number, 'sip-user-id', '4989' || number) END,
       CASE WHEN NOT never AND random() < 0.07 THEN 1 + floor(random() * 5)::int ELSE 0 END,
       CASE WHEN NOT never AND random() < 0.02 THEN 1 ELSE 0 END,
       CASE WHEN never THEN NULL ELSE now() - random() * interval '90 days' END,
       CASE WHEN never THEN NULL ELSE now() - random() * interval '14 days' END,
       CASE WHEN never THEN NULL ELSE now() - random() * interval '14 days' END,
       now()
     FROM t`,
    [JSON.stringify(report), phones],
  );
  await db.query('ANALYZE configuration.managed_phone');
}
