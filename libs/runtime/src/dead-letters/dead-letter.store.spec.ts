import { ConfigurationJobRequestedTopic } from '@workpoint/contracts';
import { type DeadLetterRow, MessagingError, type Rejection } from '@workpoint/messaging';
import type { Repository } from 'typeorm';
import type { DeadLetterSettings } from './dead-letter.settings';
import { DeadLetterStore } from './dead-letter.store';

const KEY = Buffer.alloc(32, 7).toString('base64');
const command = JSON.stringify({ requestId: '7d9f3c1e-2b4a-4c8d-9e6f-1a2b3c4d5e6f', items: [{ name: 'sip-pwd', value: 'hunter2' }] });
const rejection = (value = command): Rejection<unknown> => ({
  raw: { topic: ConfigurationJobRequestedTopic.name, key: '00:1A:E8:00:00:01', value, headers: { 'workpoint-correlation-id': 'c1' } },
  groupId: 'workpoint-configuration.configuration.job.requested.v1',
  error: new MessagingError('permanent-failure', ConfigurationJobRequestedTopic.name, 'invalid input syntax for type uuid'),
  attempts: 1,
});

function storeWith(settings: DeadLetterSettings) {
  const rows = new Map<string, DeadLetterRow>();
  const repository = { upsert: async (row: DeadLetterRow) => void rows.set(row.id, row) };
  // Built by hand: @nestjs/testing is not installed (see the report); Nest would pass the same two arguments.
  return { store: new DeadLetterStore(repository as unknown as Repository<DeadLetterRow>, settings), rows };
}

describe('DeadLetterStore', () => {
  it('keeps the original sealed with the service key, never in clear, and opens it for a replay', async () => {
    const { store, rows } = storeWith({ secretKey: KEY });
    const id = await store.record(rejection());
    const row = rows.get(id)!;
    expect(row).toMatchObject({ sourceTopic: ConfigurationJobRequestedTopic.name, key: '00:1A:E8:00:00:01', errorCode: 'permanent-failure', attempts: 1, valueSealed: true });
    expect(row.value).not.toContain('hunter2');
    expect(store.original(row)).toBe(command);
  });

  it('masks the secret items of the original where the service has no key', async () => {
    const { store, rows } = storeWith({});
    const row = rows.get(await store.record(rejection()))!;
    expect(row.valueSealed).toBe(false);
    expect(row.value).not.toContain('hunter2');
    expect(JSON.parse(store.original(row))).toMatchObject({ items: [{ name: 'sip-pwd' }] });
  });

  it('gives the same message the same row, and another message another one', async () => {
    const { store, rows } = storeWith({ secretKey: KEY });
    const first = await store.record(rejection());
    expect(await store.record(rejection())).toBe(first);
    expect(await store.record(rejection('{"other":1}'))).not.toBe(first);
    expect(rows.size).toBe(2);
  });

  it('refuses to open a sealed letter without the key', async () => {
    const { store } = storeWith({});
    expect(() => store.original({ value: 'enc:v1:a.b.c', valueSealed: true })).toThrow(/no CONFIG_SECRET_KEY/);
  });
});
