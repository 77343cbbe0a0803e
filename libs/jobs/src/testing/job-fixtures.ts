import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import type { ContactEvent, TopicContract } from '@workpoint/contracts';
import { createLogger, Logger } from '@workpoint/logging';
import { BUS } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import type { WpiAction, WpiItem } from '@workpoint/wpi-codec';
import type { QueuedJob } from '../job-queue';

const MAC = '02:00:00:00:00:01';

/** A job of `action` sent to the phone in interaction `interactionId`, waiting for its answer. */
export function sentJob(action: WpiAction, items: WpiItem[] = [], interactionId: string = randomUUID()): QueuedJob {
  return {
    id: '1',
    mac: MAC,
    action,
    items,
    state: 'sent',
    createdAt: new Date(),
    sentAt: new Date(),
    sentInContact: randomUUID(),
    sentInInteraction: interactionId,
    outcome: null,
    itemResults: null,
    completedAt: null,
    busyCount: 0,
    lastBusyContact: null,
    requestId: null,
    itemsDone: 0,
    partSize: items.length,
  };
}

/** A contact of the phone: a new interaction unless `interactionId` is given. */
export function contactOf(message: Partial<ContactEvent['message']>, interactionId: string = randomUUID()): ContactEvent {
  const now = new Date();
  return {
    contactId: randomUUID(),
    interactionId,
    gatewayId: 'gw-test',
    mac: MAC,
    remoteAddress: '127.0.0.1',
    receivedAt: now.toISOString(),
    answerBy: new Date(now.getTime() + 10_000).toISOString(),
    message: { nonce: 'n', maxItems: 100, reason: 'solicited', items: [], ...message },
  };
}

/**
 * What StageCoreModule gives a stage, as test doubles for unit tests of a stage module (no
 * broker, no database): a bus that records what is published, a quiet logger, an empty data
 * source (override whatever would use it, e.g. JobQueue).
 */
export function fakeStageCore() {
  const published: { topic: string; key: string; value: unknown }[] = [];
  const bus = { publish: async (topic: TopicContract<unknown>, key: string, value: unknown) => void published.push({ topic: topic.name, key, value }) };
  @Global()
  @Module({
    providers: [
      { provide: BUS, useValue: bus },
      { provide: Logger, useValue: createLogger('stage-spec', 'error', () => undefined) },
      { provide: DataSource, useValue: {} },
    ],
    exports: [BUS, Logger, DataSource],
  })
  class FakeStageCoreModule {}
  return { FakeCoreModule: FakeStageCoreModule, published };
}

/** The transaction the JobQueue double runs a completion in. */
export const FAKE_TX = { fake: 'transaction' };

/**
 * A double of the job stage's outbox (override JOB_OUTBOX with `outbox`): `added` are the events
 * written, with the transaction they were written in; `kicks` counts the relay requests.
 */
export function fakeJobOutbox() {
  const added: { topic: string; key: string; value: unknown; tx: unknown }[] = [];
  const outbox = {
    add: async (tx: unknown, topic: TopicContract<unknown>, key: string, value: unknown) => void added.push({ topic: topic.name, key, value, tx }),
    kick: jest.fn(() => undefined),
  };
  return { outbox, added };
}

/** A JobQueue double (override JobQueue with it): `out` are the phone's jobs still out; nothing else is queued. */
export function fakeJobQueue(out: QueuedJob[]) {
  return {
    sentJobs: jest.fn(async () => out),
    takeNext: jest.fn(async () => null),
    countQueued: jest.fn(async () => 0),
    requeueUnanswered: jest.fn(async () => undefined),
    transaction: jest.fn(async <T>(work: (tx: unknown) => Promise<T>) => work(FAKE_TX)),
    complete: jest.fn(async (id: string, outcome: 'accepted' | 'failed') => ({ ...out.find((j) => j.id === id)!, state: 'done' as const, outcome, completedAt: new Date(), itemResults: [] })),
    enqueue: jest.fn(async () => ({ id: '1', created: true })),
    queuedCounts: jest.fn(async () => []),
    withClearSecrets: jest.fn(async () => []),
  };
}
