import type { DataSource } from 'typeorm';
import type { WpiItem } from '@workpoint/wpi-codec';

export interface FragmentKey {
  mac: string;
  interactionId: string;
  action: string;
}

/** Fragments of phone replies; the only code touching `reply_fragment`. */
export class ReplyFragmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores one fragment (once per contact) and returns how many the reply has so far. */
  async add(key: FragmentKey, contactId: string, items: WpiItem[], receivedAt: Date): Promise<number> {
    await this.dataSource.query(
      `INSERT INTO reply_fragment (mac, interaction_id, action, contact_id, items, received_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (contact_id) DO NOTHING`,
      [key.mac, key.interactionId, key.action, contactId, JSON.stringify(items), receivedAt],
    );
    return this.count(key);
  }

  async count(key: FragmentKey): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      'SELECT count(*) AS n FROM reply_fragment WHERE mac = $1 AND interaction_id = $2 AND action = $3',
      [key.mac, key.interactionId, key.action],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Every earlier fragment's items, in the order the phone sent them. */
  async itemsBefore(key: FragmentKey): Promise<WpiItem[]> {
    const rows: Array<{ items: WpiItem[] }> = await this.dataSource.query(
      'SELECT items FROM reply_fragment WHERE mac = $1 AND interaction_id = $2 AND action = $3 ORDER BY id',
      [key.mac, key.interactionId, key.action],
    );
    return rows.flatMap((r) => r.items);
  }

  /**
   * Fragments are kept a while after the final part (a redelivered final part must find them
   * to assemble the same whole), then dropped.
   */
  async dropOlderThan(cutoff: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM reply_fragment WHERE received_at < $1', [cutoff]);
  }
}
