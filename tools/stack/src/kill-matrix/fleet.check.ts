import { isDeepStrictEqual } from 'node:util';
import { ConfigAppliedTopic, JOB_TOPICS, PhoneRegisteredTopic } from '@workpoint/contracts';
import { maskSecretItems } from '@workpoint/logging';
import type { PhoneRecord } from '@workpoint/phone-sim';
import type { WpiItem } from '@workpoint/wpi-codec';
import type { Pool } from 'pg';
import { readTopics } from './topic.reader';

/** A job command the matrix queued, and the service it went to. */
export interface QueuedCommand {
  stage: 'configuration' | 'deployment';
  requestId: string;
  mac: string;
  action: string;
}

/** What was lost or doubled for one storm; each entry names the phone, job or event. */
export interface FleetLosses {
  /** A completed phone without its inventory row, or whose stored report is not its last full report. */
  rows: string[];
  /** A queued command without its job, or a job of a storm phone not in its final state with an outcome. */
  jobs: string[];
  /** A finished job without its `*.job.completed.v1` event. */
  outcomes: string[];
  /** An expected integration event not on its topic: each completed phone's registration, each answered profile write's config applied. */
  events: string[];
  /** One fact under two identities: two eventIds for one registration, one config write or one job's completion, two jobs for one requestId, two outcomes for one job. */
  duplicates: string[];
}

export function lossCount(losses: FleetLosses): number {
  return losses.rows.length + losses.jobs.length + losses.outcomes.length + losses.events.length + losses.duplicates.length;
}

interface JobRow {
  id: string;
  request_id: string | null;
  mac: string;
  action: string;
  state: string;
  outcome: string | null;
}

const JOB_TABLES = { configuration: 'configuration.configuration_job', deployment: 'deployment.deployment_job' } as const;

/** Checks a finished storm against the databases and the topics (read from the beginning). */
export async function checkFleet(db: Pool, brokers: string, phones: readonly PhoneRecord[], commands: readonly QueuedCommand[]): Promise<FleetLosses> {
  const losses: FleetLosses = { rows: [], jobs: [], outcomes: [], events: [], duplicates: [] };
  const macs = phones.map((p) => p.mac);

  const { rows: reports } = await db.query<{ mac: string; items: WpiItem[] | null }>(
    `SELECT p.mac, (SELECT r.items FROM inventory.phone_report r WHERE r.mac = p.mac ORDER BY r.reported_at DESC, r.id DESC LIMIT 1) AS items
       FROM inventory.phone p WHERE p.mac = ANY($1)`,
    [macs],
  );
  const stored = new Map(reports.map((r) => [r.mac, r.items]));
  for (const phone of phones) {
    if (phone.completedMs === undefined) continue; // counted as not completed
    if (!stored.has(phone.mac)) losses.rows.push(`${phone.mac}: no inventory.phone row`);
    else if (phone.lastFullReport) {
      const difference = reportDifference(stored.get(phone.mac) ?? [], maskSecretItems(phone.lastFullReport));
      if (difference) losses.rows.push(`${phone.mac}: the stored report is not the phone's last full report (${difference})`);
    }
  }

  const jobs: Record<keyof typeof JOB_TABLES, JobRow[]> = { configuration: [], deployment: [] };
  for (const stage of Object.keys(JOB_TABLES) as (keyof typeof JOB_TABLES)[]) {
    ({ rows: jobs[stage] } = await db.query<JobRow>(`SELECT id::text AS id, request_id, mac, action, state, outcome FROM ${JOB_TABLES[stage]} WHERE mac = ANY($1)`, [macs]));
  }
  for (const command of commands) {
    const found = jobs[command.stage].filter((j) => j.request_id === command.requestId);
    if (found.length === 0) losses.jobs.push(`${command.mac}: ${command.stage} ${command.action} command ${command.requestId} has no job`);
    if (found.length > 1) losses.duplicates.push(`${command.mac}: command ${command.requestId} became ${found.length} jobs`);
  }
  for (const stage of Object.keys(JOB_TABLES) as (keyof typeof JOB_TABLES)[]) {
    for (const job of jobs[stage]) {
      if (job.state !== 'done' || job.outcome === null) losses.jobs.push(`${job.mac}: ${stage} job ${job.id} (${job.action}) is ${job.state}`);
    }
  }

  const completedTopics = { configuration: JOB_TOPICS.configuration.completed.name, deployment: JOB_TOPICS.deployment.completed.name };
  const topics = await readTopics(brokers, [PhoneRegisteredTopic.name, ConfigAppliedTopic.name, completedTopics.configuration, completedTopics.deployment]);
  const mine = new Set(macs);
  const byKey = (topic: string, key: (v: Record<string, unknown>) => string, value: (v: Record<string, unknown>) => string) => {
    const seen = new Map<string, Set<string>>();
    for (const v of topics.get(topic) as Record<string, unknown>[]) {
      if (!mine.has(String(v['mac']))) continue;
      const k = key(v);
      seen.set(k, (seen.get(k) ?? new Set()).add(value(v)));
    }
    return seen;
  };

  for (const stage of Object.keys(JOB_TABLES) as (keyof typeof JOB_TABLES)[]) {
    const outcomes = byKey(completedTopics[stage], (v) => String(v['jobId']), (v) => String(v['outcome']));
    const eventIds = byKey(completedTopics[stage], (v) => String(v['jobId']), (v) => String(v['eventId']));
    for (const job of jobs[stage]) {
      if (job.state !== 'done') continue;
      const seen = outcomes.get(job.id);
      if (!seen) losses.outcomes.push(`${job.mac}: ${stage} job ${job.id} (${job.action}) has no completed event`);
      else if (seen.size > 1) losses.duplicates.push(`${job.mac}: ${stage} job ${job.id} completed as ${[...seen].join(' and ')}`);
      else if ((eventIds.get(job.id)?.size ?? 0) > 1) losses.duplicates.push(`${job.mac}: ${stage} job ${job.id} completed under ${eventIds.get(job.id)!.size} eventIds`);
    }
  }

  const registrations = byKey(PhoneRegisteredTopic.name, (v) => String(v['mac']), (v) => String(v['eventId']));
  for (const phone of phones) {
    if (phone.completedMs === undefined) continue;
    const ids = registrations.get(phone.mac);
    if (!ids) losses.events.push(`${phone.mac}: no ${PhoneRegisteredTopic.name}`);
    else if (ids.size > 1) losses.duplicates.push(`${phone.mac}: registered under ${ids.size} eventIds`);
  }
  // The profile's write: configuration's own WriteItems sync jobs (not one of the queued commands); each answer is one ConfigApplied fact.
  const applied = byKey(ConfigAppliedTopic.name, (v) => String(v['jobId']), (v) => String(v['eventId']));
  const queued = new Set(commands.map((c) => c.requestId));
  for (const job of jobs.configuration) {
    if ((job.request_id !== null && queued.has(job.request_id)) || job.action !== 'WriteItems' || job.state !== 'done') continue;
    const ids = applied.get(job.id);
    if (!ids) losses.events.push(`${job.mac}: no ${ConfigAppliedTopic.name} for job ${job.id}`);
    else if (ids.size > 1) losses.duplicates.push(`${job.mac}: job ${job.id} applied under ${ids.size} eventIds`);
  }
  return losses;
}

/** Undefined when equal; else which items differ, for the report. */
function reportDifference(stored: readonly WpiItem[], sent: readonly WpiItem[]): string | undefined {
  const a = normalize(stored);
  const b = normalize(sent);
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a.length === 0) return 'no report stored';
  const text = (i: WpiItem) => `${i.name}${i.index !== undefined ? `[${i.index}]` : ''}=${i.value ?? ''}`;
  const inStored = new Set(a.map(text));
  const inSent = new Set(b.map(text));
  const onlySent = b.map(text).filter((t) => !inStored.has(t));
  const onlyStored = a.map(text).filter((t) => !inSent.has(t));
  return `${a.length} items stored, ${b.length} sent; sent only: ${onlySent.slice(0, 3).join(', ') || '-'}; stored only: ${onlyStored.slice(0, 3).join(', ') || '-'}`;
}

function normalize(items: readonly WpiItem[]): WpiItem[] {
  return items.map((i) => ({ name: i.name, value: i.value, ...(i.index !== undefined && i.index !== null ? { index: i.index } : {}) }));
}
