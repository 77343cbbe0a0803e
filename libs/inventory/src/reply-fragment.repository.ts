import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { ReplyFragmentEntity } from './entities/reply-fragment.entity';
import type { WpiItem } from '@workpoint/wpi-codec';

export interface FragmentKey {
  mac: string;
  interactionId: string;
  action: string;
}

/** What one reply may take in storage: parts and bytes (JSON of the items) per interaction and action. */
export interface FragmentLimits {
  maxParts: number;
  maxBytes: number;
}

/** The parts stored so far for one reply. */
export interface FragmentTally {
  parts: number;
  bytes: number;
}

/** `stored`, or why the part was refused; with the tally including the part. */
export type FragmentAdded = { outcome: 'stored' | 'too-many-fragments' | 'reply-too-large' } & FragmentTally;

/** Size of a fragment as stored (its items as JSON), the unit of the byte cap. */
export function fragmentBytes(items: readonly WpiItem[]): number {
  return Buffer.byteLength(JSON.stringify(items));
}

/** Fragments of phone replies; the only code touching `reply_fragment`. */
@Injectable()
export class ReplyFragmentRepository {
  constructor(@InjectRepository(ReplyFragmentEntity) private readonly fragments: Repository<ReplyFragmentEntity>) {}

  /**
   * Stores one fragment (once per contact) if the interaction stays within its limits (parts
   * and bytes of all its fragmented replies), counted BEFORE the insert, in the transaction that
   * inserts, under a lock on the interaction — so a phone can never get one part past the caps,
   * even with two deliveries of its parts at once. A refused part stores nothing; the caller
   * drops the interaction's fragments.
   */
  async add(key: FragmentKey, contactId: string, items: WpiItem[], receivedAt: Date, limits: FragmentLimits): Promise<FragmentAdded> {
    const json = JSON.stringify(items);
    const bytes = Buffer.byteLength(json);
    return this.fragments.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reply-fragment:${key.mac}:${key.interactionId}`]);
      const row = await this.sums(tx, key).addSelect('bool_or(f.contact_id = :contactId)', 'redelivered').setParameter('contactId', contactId).getRawOne<{ parts: string; bytes: string; redelivered: boolean | null }>();
      const so = { parts: Number(row?.parts ?? 0), bytes: Number(row?.bytes ?? 0) };
      // A redelivered part was counted when it was first stored: the same answer again.
      if (row?.redelivered) return { outcome: 'stored', ...so };
      if (so.parts + 1 > limits.maxParts) return { outcome: 'too-many-fragments', parts: so.parts + 1, bytes: so.bytes };
      if (so.bytes + bytes > limits.maxBytes) return { outcome: 'reply-too-large', parts: so.parts + 1, bytes: so.bytes + bytes };
      await tx
        .getRepository(ReplyFragmentEntity)
        .createQueryBuilder()
        .insert()
        .values({ mac: key.mac, interactionId: key.interactionId, action: key.action, contactId, items, receivedAt, bytes })
        .orIgnore()
        .execute();
      return { outcome: 'stored', parts: so.parts + 1, bytes: so.bytes + bytes };
    });
  }

  /** Parts and bytes stored for the interaction (all its fragmented replies), without loading them. */
  async tally(key: FragmentKey): Promise<FragmentTally> {
    const row = await this.sums(this.fragments.manager, key).getRawOne<{ parts: string; bytes: string }>();
    return { parts: Number(row?.parts ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * The earlier parts of the reply that `finalContactId` ends, in the order the phone sent
   * them; never more than `maxParts` rows (the caller checked the tally against the caps). The
   * parts are claimed for that final part: its redelivery assembles the same whole, and a later
   * fragmented reply to the same action in the same interaction (a ReadItems job sent in parts)
   * starts afresh instead of taking this one's parts along.
   */
  async claimEarlierParts(key: FragmentKey, finalContactId: string, maxParts: number): Promise<WpiItem[]> {
    const { mac, interactionId, action } = key;
    await this.fragments.update({ mac, interactionId, action, assembledBy: IsNull() }, { assembledBy: finalContactId });
    const rows = await this.fragments.find({ where: { mac, interactionId, action, assembledBy: finalContactId }, select: { id: true, items: true }, order: { id: 'ASC' }, take: maxParts });
    return rows.flatMap((r) => r.items as WpiItem[]);
  }

  /** Drops every fragment of an interaction (all actions): a reply refused for its size leaves nothing behind. */
  async dropInteraction(mac: string, interactionId: string): Promise<number> {
    return (await this.fragments.delete({ mac, interactionId })).affected ?? 0;
  }

  /** Parts and bytes of the interaction's stored fragments (all actions). */
  private sums(db: EntityManager, key: FragmentKey) {
    return db
      .getRepository(ReplyFragmentEntity)
      .createQueryBuilder('f')
      .select('count(*)', 'parts')
      .addSelect('coalesce(sum(f.bytes), 0)', 'bytes')
      .where({ mac: key.mac, interactionId: key.interactionId });
  }
}
