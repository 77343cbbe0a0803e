import { ConfigurationJobRequestedTopic, ContactMeRequestedTopic, DeploymentJobRequestedTopic, type TopicContract } from '@workpoint/contracts';
import { capturingLogger, randomMac } from '@workpoint/testing';
import type { WpiItem } from '@workpoint/wpi-codec';
import { Test } from '@nestjs/testing';
import { Logger } from '@workpoint/logging';
import { BUS, type Bus } from '@workpoint/messaging';
import { DataSource } from 'typeorm';
import { ConfigurationSync } from '../desired-state/configuration-sync';
import { AuditLog } from './access';
import { AuditLogRepository, type NewAuditEntry } from './audit-log.repository';
import { CommandService } from './command.service';
import { ConfigurationError } from './configuration.error';
import { operatorApiHttpError } from './operator-api.errors';

const operator = { keyId: '0123456789ab', name: 'noc', role: 'operator' as const };

/** A database that runs the transaction callback and remembers whether it committed, and which audit entries it committed. */
function fakeDb() {
  const state = { committed: 0, rolledBack: 0, audited: [] as NewAuditEntry[] };
  const pending: NewAuditEntry[] = [];
  const tx = {};
  const db = {
    transaction: async (work: (t: typeof tx) => Promise<unknown>) => {
      try {
        const result = await work(tx);
        state.committed++;
        state.audited.push(...pending.splice(0));
        return result;
      } catch (error) {
        state.rolledBack++;
        pending.length = 0;
        throw error;
      }
    },
  } as unknown as DataSource;
  return { db, state, pending };
}

async function service(publish: Bus['publish']) {
  const { db, state, pending } = fakeDb();
  const published: { topic: string; key: string; value: unknown }[] = [];
  const bus = { publish: async (topic: TopicContract<unknown>, key: string, value: unknown) => (await publish(topic, key, value), void published.push({ topic: topic.name, key, value })) } as unknown as Bus;
  const sync = { conceal: (items: readonly WpiItem[]) => items.map((i) => (i.name === 'sip-pwd' || i.name === 'file-pwd' ? { ...i, value: 'enc:v1:sealed' } : i)) };
  const { logger, lines } = capturingLogger('commands');
  const module = await Test.createTestingModule({ providers: [CommandService, AuditLog] })
    .useMocker((token) => {
      // Audit entries are written in the transaction: the fake keeps them only if it commits.
      const entries = { insertMany: async (_tx: unknown, common: Partial<NewAuditEntry>, batch: Partial<NewAuditEntry>[]) => void pending.push(...batch.map((e) => ({ ...common, ...e }) as NewAuditEntry)) };
      const fakes = new Map<unknown, unknown>([[DataSource, db], [BUS, bus], [ConfigurationSync, sync], [Logger, logger], [AuditLogRepository, entries]]);
      if (!fakes.has(token)) throw new Error(`no fake for ${String(token)}`);
      return fakes.get(token);
    })
    .compile();
  return { commands: module.get(CommandService), state, published, lines };
}

const job = (mac: string) => ({ requestId: '6f1c1f8e-8b0e-4f5c-9d61-0a0b0c0d0e0f', mac, action: 'WriteItems' as const, items: [{ name: 'sip-pwd', value: 'S3cret' }, { name: 'vlan-id', value: '7' }], contactMe: true });

describe('CommandService', () => {
  it('publishes a configuration job sealed, names the key when requestedBy is left out, and audits it masked', async () => {
    const { commands, state, published } = await service(async () => undefined);
    const mac = randomMac();
    expect(await commands.publish(ConfigurationJobRequestedTopic, job(mac), operator, 'req-1')).toEqual({ accepted: true, topic: ConfigurationJobRequestedTopic.name });
    expect(published).toEqual([
      { topic: ConfigurationJobRequestedTopic.name, key: mac, value: { ...job(mac), items: [{ name: 'sip-pwd', value: 'enc:v1:sealed' }, { name: 'vlan-id', value: '7' }], requestedBy: 'api:noc (key 0123456789ab, operator)' } },
    ]);
    expect(state).toMatchObject({ committed: 1, rolledBack: 0 });
    expect(state.audited).toEqual([
      {
        actor: 'noc (key 0123456789ab, operator)',
        action: 'command.configuration.job.requested.v1',
        entityType: 'phone',
        entityId: mac,
        before: null,
        after: expect.objectContaining({ items: [{ name: 'sip-pwd', value: '***' }, { name: 'vlan-id', value: '7' }] }),
        requestId: 'req-1',
      },
    ]);
  });

  it('seals a deployment job too, and keeps a contact-me request as sent', async () => {
    const { commands, published } = await service(async () => undefined);
    const mac = randomMac();
    const file = [{ name: 'file-https-base-url', value: 'https://files.example/logo.png' }];
    await commands.publish(DeploymentJobRequestedTopic, { ...job(mac), action: 'FileDeployment', items: [...file, { name: 'file-pwd', value: 'S3cret' }], requestedBy: 'billing' }, operator, 'req-2');
    await commands.publish(ContactMeRequestedTopic, { mac, at: '2026-12-04T12:00:00.000Z' }, operator, 'req-3');
    expect(published.map((p) => p.value)).toEqual([
      { ...job(mac), action: 'FileDeployment', items: [...file, { name: 'file-pwd', value: 'enc:v1:sealed' }], requestedBy: 'billing' },
      { mac, at: '2026-12-04T12:00:00.000Z', requestedBy: 'api:noc (key 0123456789ab, operator)' },
    ]);
  });

  it('refuses with 400 a command its topic does not take (a SoftwareDeployment sent to configuration): nothing published or audited', async () => {
    const { commands, state, published } = await service(async () => undefined);
    const firmware = [{ name: 'file-https-base-url', value: 'https://files.example/fw.img' }, { name: 'file-sw-version', value: '3.5.12.0' }];
    const failure = await commands.publish(ConfigurationJobRequestedTopic, { ...job(randomMac()), action: 'SoftwareDeployment', items: firmware } as never, operator, 'req-5').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect(failure).toMatchObject({ code: 'invalid-request', details: [expect.objectContaining({ path: 'body.action' })] });
    expect(operatorApiHttpError(failure as ConfigurationError)).toMatchObject({ status: 400 });
    expect(published).toEqual([]);
    expect(state).toMatchObject({ committed: 0, audited: [] });
  });

  it('answers 503 with Retry-After when the bus refuses, and commits no audit row', async () => {
    const { commands, state, lines } = await service(async () => {
      throw new Error('broker unavailable');
    });
    const failure = await commands.publish(ConfigurationJobRequestedTopic, job(randomMac()), operator, 'req-4').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect(failure).toMatchObject({ code: 'publish-failed', kind: 'transient' });
    // What the operator API answers with it.
    expect(operatorApiHttpError(failure)).toMatchObject({ status: 503, code: 'publish-failed', headers: { 'Retry-After': '5' } });
    expect(state).toMatchObject({ committed: 0, rolledBack: 1 });
    expect(state.audited).toEqual([]);
    expect(lines.join('\n')).toContain('could not publish a command');
    expect(lines.join('\n')).not.toContain('S3cret');
  });
});
