import type { StorageEnv } from '@workpoint/config';
import { ageSweep, type RetentionSweep } from '@workpoint/database';
import type { DataSource } from 'typeorm';

const DAY_MS = 24 * 3600_000;
/**
 * A read request only matters within its interaction, which lives at most a session's TTL
 * (SESSION_TTL_SECONDS is at most a day), so a day is kept: a protocol bound, not a setting.
 */
const READ_REQUEST_KEEP_MS = DAY_MS;

/**
 * What inventory forgets, and when: reports after RETENTION_REPORTS_DAYS except each phone's
 * newest full report (what the phone has, as far as inventory knows), contact-me attempts
 * after RETENTION_CONTACT_ME_DAYS, read requests after a day, reply fragments after
 * RETENTION_FRAGMENTS_MINUTES (a reply whose final part never came, or one already assembled).
 */
export function inventorySweeps(db: DataSource, env: StorageEnv): RetentionSweep[] {
  return [
    ageSweep(
      db,
      'phone_report',
      env.RETENTION_REPORTS_DAYS * DAY_MS,
      'id',
      `reported_at < $1 AND NOT (kind = 'full' AND NOT EXISTS (
         SELECT 1 FROM phone_report newer WHERE newer.mac = phone_report.mac AND newer.kind = 'full'
           AND (newer.reported_at, newer.id) > (phone_report.reported_at, phone_report.id)))`,
      'reported_at',
    ),
    ageSweep(db, 'contact_me_attempt', env.RETENTION_CONTACT_ME_DAYS * DAY_MS, 'id', 'attempted_at < $1', 'attempted_at'),
    ageSweep(db, 'read_request', READ_REQUEST_KEEP_MS, 'mac, interaction_id', 'requested_at < $1', 'requested_at'),
    ageSweep(db, 'reply_fragment', env.RETENTION_FRAGMENTS_MINUTES * 60_000, 'id', 'received_at < $1', 'received_at'),
  ];
}
