import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { PhoneDetailResult } from './bench-report.types';
import { EFFECTIVE_NIC_BASE, FLEET_SITES, fleetPhone, fleetProfiles, reportedItems, type FleetPhone } from './configuration-fleet.fixture';
import { summarizeLatencies } from '@workpoint/phone-sim';
import type { OperatorApiClient } from './operator-api.client';

export interface PhoneDetailOptions {
  phones: number;
  /** Items each phone reports (its full item set). */
  reportedItems: number;
  /** Phones asked for before measuring (JIT, caches, the desired-state snapshot). */
  warmUp: number;
}

interface PhoneDetailAnswer {
  effective: { ok: boolean; items: unknown[] };
  pendingWrites: unknown[];
}

const SEED_BATCH = 500;

/**
 * The same effective configuration + delivery plan as the operator reads it: GET
 * /api/v1/phones/{mac}, one request at a time on one keep-alive connection, on the fleet set
 * up through the API (sites, profiles) and phones written straight into configuration's table
 * as after a full report. Its timing holds the computation the in-process measurement times
 * plus the phone read, the desired-state check, the HTTP round trip and the answer's JSON.
 */
export async function benchPhoneDetail(api: OperatorApiClient, databaseUrl: string, options: PhoneDetailOptions, log: (line: string) => void): Promise<PhoneDetailResult> {
  const profiles = fleetProfiles();
  for (const site of FLEET_SITES) await api.expect(200, `PUT site ${site.name}`, api.putJson(`/api/v1/sites/${site.name}`, { fields: site.fields }));
  // Profiles before phones: the fan-out after each save then finds no phone to re-plan.
  for (const profile of profiles) await api.expect(201, `POST profile ${profile.name}`, api.postJson('/api/v1/profiles', profile));

  const phones = Array.from({ length: options.phones }, (_, i) => fleetPhone(i, EFFECTIVE_NIC_BASE));
  const seedStarted = performance.now();
  await seedPhones(databaseUrl, phones, options.reportedItems);
  const seedMs = performance.now() - seedStarted;
  log(`phone detail: ${profiles.length} profiles, ${phones.length} phones seeded in ${(seedMs / 1000).toFixed(1)} s`);

  const path = (phone: FleetPhone) => `/api/v1/phones/${phone.mac.replace(/:/g, '')}`;
  for (const phone of phones.slice(0, options.warmUp)) await api.get(path(phone));

  const detailMs: number[] = [];
  let failedPhones = 0;
  let effectiveItems = 0;
  let pendingWrites = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  for (const phone of phones) {
    const answer = await api.get(path(phone));
    detailMs.push(answer.ms);
    const detail = answer.status === 200 ? (JSON.parse(answer.text) as PhoneDetailAnswer) : undefined;
    if (!detail?.effective.ok) {
      failedPhones++;
      firstFailure ??= `${phone.mac}: HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
      continue;
    }
    effectiveItems += detail.effective.items.length;
    pendingWrites += detail.pendingWrites.length;
  }
  const wallMs = performance.now() - started;
  if (firstFailure) log(`phone detail: ${failedPhones} phone(s) failed, the first: ${firstFailure}`);

  const computed = Math.max(1, phones.length - failedPhones);
  const detailUs = summarizeLatencies(detailMs.map((ms) => ms * 1000));
  log(`  over the API: mean ${detailUs.mean.toFixed(0)} µs, p99 ${detailUs.p99.toFixed(0)} µs per phone`);
  return {
    phones: phones.length,
    detailUs,
    phonesPerSec: phones.length / (wallMs / 1000),
    effectiveItemsPerPhone: effectiveItems / computed,
    pendingWritesPerPhone: pendingWrites / computed,
    failedPhones,
    seedMs,
  };
}

/** Phones that made contact and sent a full report, written straight into configuration's table. */
async function seedPhones(databaseUrl: string, phones: readonly FleetPhone[], itemCount: number): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let start = 0; start < phones.length; start += SEED_BATCH) {
      const rows = phones.slice(start, start + SEED_BATCH).map((p) => ({
        mac: p.mac,
        e164: p.e164,
        site: p.site,
        tags: p.tags,
        user_name: p.user,
        profiles: p.profiles,
        overrides: p.overrides,
        device_type: p.deviceType,
        software_version: p.softwareVersion,
        reported_e164: p.e164.replace(/^\+/, ''),
        observed: reportedItems(p, itemCount),
      }));
      await db.query(
        `INSERT INTO configuration.managed_phone (mac, e164, site, tags, user_name, profiles, overrides, assignment_version, assigned_at,
           device_type, software_version, reported_e164, observed, first_seen_at, last_contact_at, last_full_report_at, updated_at)
         SELECT r.mac, r.e164, r.site, r.tags, r.user_name, r.profiles, r.overrides, 1, now(),
           r.device_type, r.software_version, r.reported_e164, r.observed, now(), now(), now(), now()
         FROM jsonb_to_recordset($1::jsonb) AS r(mac varchar, e164 varchar, site varchar, tags varchar[], user_name varchar, profiles varchar[],
           overrides jsonb, device_type varchar, software_version varchar, reported_e164 varchar, observed jsonb)`,
        [JSON.stringify(rows)],
      );
    }
    await db.query('ANALYZE configuration.managed_phone');
  } finally {
    await db.end();
  }
}
