import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { decideRequest, type RequestDecision } from '@workpoint/contact-me';
import type { ContactMeAttempted } from '@workpoint/contracts';
import { type EntityManager, In, LessThanOrEqual, type Repository } from 'typeorm';
import { ContactMeAttemptEntity } from './entities/contact-me-attempt.entity';
import { ContactMeRequestEntity } from './entities/contact-me-request.entity';

/** What settles a claimed contact: the next due time (null: the contact ended) and what the attempt said. */
export interface ContactMeRequestChanges {
  dueAt: Date | null;
  attemptsMade: number;
  deferred: boolean;
  target?: string;
  lastStartedAt?: Date;
  lastOutcome?: string;
  lastDetail?: string | null;
}

/**
 * Contact-me requests and attempts in inventory's schema. Every method that writes takes the
 * caller's transaction, so a request row, an attempt and its outbox event commit together.
 */
@Injectable()
export class ContactMeRequestRepository {
  constructor(@InjectRepository(ContactMeRequestEntity) private readonly requests: Repository<ContactMeRequestEntity>) {}

  /**
   * Applies the gap rule to a new request for `mac`, on the phone's row locked for the decision
   * (two requests for one phone, on two instances, decide one after the other).
   */
  async request(tx: EntityManager, mac: string, target: string, source: string, now: Date, gapMs: number): Promise<RequestDecision> {
    const repo = tx.getRepository(ContactMeRequestEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ mac, target, source, dueAt: null, deferred: false, requestedAt: now, attemptsMade: 0, lastStartedAt: null, lastOutcome: null, lastDetail: null })
      .orIgnore()
      .execute();
    const row = await repo.findOneOrFail({ where: { mac }, lock: { mode: 'pessimistic_write' } });
    const decision = decideRequest({ active: row.dueAt !== null, lastStartedAt: row.lastStartedAt?.getTime() }, now.getTime(), gapMs);
    switch (decision.kind) {
      case 'coalesce':
        await repo.update({ mac }, { target, source });
        break;
      case 'within-gap':
        await repo.update({ mac }, { target, source, dueAt: new Date(decision.nextAllowedAt), deferred: true, requestedAt: now, attemptsMade: 0 });
        break;
      case 'start':
        await repo.update({ mac }, { target, source, dueAt: now, deferred: false, requestedAt: now, attemptsMade: 0 });
        break;
    }
    return decision;
  }

  /**
   * Takes up to `limit` due rows for this relay (`FOR UPDATE SKIP LOCKED`: rows another relay is
   * taking are skipped) and leases them until `leaseUntil` by moving their due time there, so a
   * relay that dies mid-attempt leaves the row to be taken again after the lease. Returns the
   * rows as they were (their real due time).
   */
  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ContactMeRequestEntity[]> {
    return this.requests.manager.transaction(async (tx) => {
      const repo = tx.getRepository(ContactMeRequestEntity);
      const due = await repo
        .createQueryBuilder('r')
        .where({ dueAt: LessThanOrEqual(now) })
        .orderBy('r.dueAt')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length > 0) await repo.update({ mac: In(due.map((r) => r.mac)) }, { dueAt: leaseUntil });
      return due;
    });
  }

  /** Gives leased rows back, due at `dueAt` (a relay that stops before their attempt started). */
  async release(macs: readonly string[], dueAt: Date): Promise<void> {
    if (macs.length > 0) await this.requests.update({ mac: In([...macs]) }, { dueAt });
  }

  async settle(tx: EntityManager, mac: string, changes: ContactMeRequestChanges): Promise<void> {
    await tx.getRepository(ContactMeRequestEntity).update({ mac }, changes);
  }

  async addAttempt(tx: EntityManager, a: ContactMeAttempted): Promise<void> {
    await tx.getRepository(ContactMeAttemptEntity).insert({
      mac: a.mac,
      target: a.target,
      attempt: a.attempt,
      outcome: a.outcome,
      httpStatus: a.httpStatus ?? null,
      detail: a.detail ?? null,
      final: a.final,
      attemptedAt: new Date(a.at),
    });
  }
}
