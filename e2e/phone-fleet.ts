import { fullItemSet, type InteractionResult, runStorm, type StormResult } from '@workpoint/phone-sim';
import { maskSecretItems } from '@workpoint/logging';
import type { WpiItem } from '@workpoint/wpi-codec';
import type { Pool } from 'pg';

/** A start-up storm that also remembers which phones took part. */
export async function stormOf(phones: number, urls: string[]): Promise<{ result: StormResult; interactions: InteractionResult[] }> {
  const interactions: InteractionResult[] = [];
  const result = await runStorm({ phones, concurrency: phones, urls, itemCount: 200, deadlineMs: 120_000, onResult: (r) => interactions.push(r) });
  return { result, interactions };
}

/** What inventory must have stored for a phone: its full item set, secrets masked. */
export function expectedStoredItems(mac: string): WpiItem[] {
  return maskSecretItems(fullItemSet({ mac, itemCount: 200 }));
}

export async function storedReports(db: Pool, macs: string[]): Promise<Map<string, WpiItem[][]>> {
  const { rows } = await db.query<{ mac: string; items: WpiItem[] }>('SELECT mac, items FROM inventory.phone_report WHERE mac = ANY($1)', [macs]);
  const byMac = new Map<string, WpiItem[][]>();
  for (const row of rows) byMac.set(row.mac, [...(byMac.get(row.mac) ?? []), row.items]);
  return byMac;
}
