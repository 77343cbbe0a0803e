import { randomUUID } from 'node:crypto';
import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import type { StageDeps } from '@workpoint/contact-pipeline';
import { type ContactEvent, gatewayResponseTopic, PIPELINE, type PhoneResponse, type Stage } from '@workpoint/contracts';
import { openServiceDataSource, type ServiceDataSourceOptions } from '@workpoint/database';
import { KafkaBus } from '@workpoint/messaging';
import { startStageApp } from '@workpoint/runtime';
import type { DataSource } from 'typeorm';
import { capturingLogger, eventually, infraFromEnv, randomId } from '@workpoint/testing';

/**
 * One pipeline stage running against the real broker and database, with a fake gateway: it
 * records the answers sent to its response topic and what the stage passed on.
 */
export interface StageHarness {
  /** The stage app under test: look providers up with `app.get(X)`. */
  app: INestMicroservice;
  bus: KafkaBus;
  dataSource: DataSource;
  gatewayId: string;
  /** Publishes a contact to the stage's input topic. */
  send(contact: ContactEvent): Promise<void>;
  responseTo(contact: ContactEvent): Promise<PhoneResponse>;
  passOf(contact: ContactEvent): Promise<ContactEvent>;
  responses: PhoneResponse[];
  passed: ContactEvent[];
  /** Every log line of the stage under test (JSON). */
  logLines: string[];
  contact(mac: string, message: Partial<ContactEvent['message']>, interactionId?: string): ContactEvent;
  close(): Promise<void>;
}

export async function startStageHarness(
  stage: Stage,
  owned: Pick<ServiceDataSourceOptions, 'schema' | 'entities' | 'migrations'>,
  module: (deps: StageDeps) => DynamicModule,
): Promise<StageHarness> {
  const infra = infraFromEnv();
  const gatewayId = randomId('gw');
  const { logger, lines } = capturingLogger(`${stage}-int`);
  const bus = new KafkaBus(
    {
      brokers: infra.kafkaBrokers.split(','),
      clientId: `${stage}-int`,
      partitions: 6,
      replicationFactor: 1,
      partitionsConsumedConcurrently: 3,
      sessionTimeoutMs: 10_000,
    },
    logger,
  );
  const dataSource = await openServiceDataSource(infra.databaseUrl, owned, 4, `${stage}-int`);
  const responses: PhoneResponse[] = [];
  const passed: ContactEvent[] = [];
  const { input, passTo } = PIPELINE[stage];
  await bus.ensureTopics([gatewayResponseTopic(gatewayId), input, ...(passTo ? [passTo] : [])]);
  await bus.subscribe({ topic: gatewayResponseTopic(gatewayId), groupId: `${gatewayId}-responses`, fromBeginning: true, handle: async ({ value }) => void responses.push(value) });
  if (passTo) await bus.subscribe({ topic: passTo, groupId: `${gatewayId}-passed`, fromBeginning: true, handle: async ({ value }) => void passed.push(value) });
  let app: INestMicroservice;
  try {
    app = await startStageApp({ stage, deps: { bus, dataSource, logger }, module });
  } catch (error) {
    await bus.close();
    await dataSource.destroy();
    throw error;
  }
  return {
    app,
    bus,
    dataSource,
    gatewayId,
    responses,
    passed,
    logLines: lines,
    send: (c) => bus.publish(input, c.mac, c),
    responseTo: (c) => eventually(async () => responses.find((r) => r.contactId === c.contactId)),
    passOf: (c) => eventually(async () => passed.find((p) => p.contactId === c.contactId)),
    contact: (mac, message, interactionId = randomUUID()) => {
      const now = new Date();
      return {
        contactId: randomUUID(),
        interactionId,
        gatewayId,
        mac,
        remoteAddress: '127.0.0.1',
        receivedAt: now.toISOString(),
        answerBy: new Date(now.getTime() + 10_000).toISOString(),
        message: { nonce: 'ABCDEF0123456789ABCDEF0123456789', maxItems: -1, reason: 'start-up', items: [], ...message },
      };
    },
    close: async () => {
      await app.close();
      await bus.close();
      // The app destroys its data source when it closes.
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
