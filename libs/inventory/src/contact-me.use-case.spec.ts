import { Test } from '@nestjs/testing';
import { ContactMeTargetPolicy, type RequestDecision } from '@workpoint/contact-me';
import { type ContactMeAttempted, ContactMeAttemptedTopic } from '@workpoint/contracts';
import { Outbox } from '@workpoint/database';
import { Logger } from '@workpoint/logging';
import { DataSource } from 'typeorm';
import { ContactMeRequestRepository } from './contact-me-request.repository';
import { ContactMeRelay } from './contact-me.relay';
import { ContactMeUseCase } from './contact-me.use-case';
import type { PhoneEntity } from './entities/phone.entity';
import { INVENTORY_SETTINGS } from './inventory.settings';
import { PhoneRepository } from './phone.repository';

const MAC = '00:1A:E8:00:00:01';
const URI = 'http://127.0.0.1:8085/contact_dls.html/ContactDLS';
const tx = { marker: 'the transaction' };

/** The use case with its collaborators replaced: what it records, requests and kicks. */
async function useCase(phone: Partial<PhoneEntity> | null, decision: RequestDecision = { kind: 'start' }) {
  const attempts: ContactMeAttempted[] = [];
  const requests: unknown[][] = [];
  const kicks: string[] = [];
  const events: unknown[][] = [];
  const module = await Test.createTestingModule({
    providers: [
      ContactMeUseCase,
      { provide: INVENTORY_SETTINGS, useValue: { contactMe: { gapMs: 60_000, policy: new ContactMeTargetPolicy() } } },
      { provide: PhoneRepository, useValue: { findPhone: async () => phone } },
      {
        provide: ContactMeRequestRepository,
        useValue: {
          addAttempt: async (_tx: unknown, a: ContactMeAttempted) => void attempts.push(a),
          request: async (...args: unknown[]) => {
            requests.push(args);
            return decision;
          },
        },
      },
      { provide: ContactMeRelay, useValue: { kick: () => void kicks.push('kick') } },
      { provide: Outbox, useValue: { add: async (...args: unknown[]) => void events.push(args), kick: () => undefined } },
      { provide: DataSource, useValue: { transaction: async (work: (t: unknown) => Promise<unknown>) => work(tx) } },
      { provide: Logger, useValue: { warn: () => undefined, debug: () => undefined } },
    ],
  }).compile();
  await module.get(ContactMeUseCase).request({ mac: MAC, requestedBy: 'spec', at: new Date().toISOString() });
  return { attempts, requests, kicks, events };
}

describe('ContactMeUseCase.request', () => {
  it('records no-target for a phone inventory does not know, in one transaction with its event', async () => {
    const { attempts, requests, events } = await useCase(null);
    expect(attempts).toEqual([expect.objectContaining({ mac: MAC, target: '', attempt: 1, outcome: 'no-target', final: true })]);
    expect(events).toEqual([[tx, ContactMeAttemptedTopic, MAC, attempts[0]]]);
    expect(requests).toEqual([]);
  });

  it('records invalid-target with the ingest refusal, without the refused URI', async () => {
    const { attempts, requests } = await useCase({ contactMeUri: null, contactMeRefusal: 'cloud metadata address 169.254.169.254', lastRemoteAddress: '10.1.2.3' });
    expect(attempts).toEqual([expect.objectContaining({ target: '', outcome: 'invalid-target', detail: 'cloud metadata address 169.254.169.254' })]);
    expect(requests).toEqual([]);
  });

  it('records invalid-target for a stored target the phone no longer calls from', async () => {
    const { attempts, requests } = await useCase({ contactMeUri: URI, contactMeRefusal: null, lastRemoteAddress: '10.1.2.3' });
    expect(attempts).toEqual([expect.objectContaining({ target: URI, outcome: 'invalid-target', detail: "loopback 127.0.0.1 is not the phone's address" })]);
    expect(requests).toEqual([]);
  });

  it('stores an acceptable request and wakes the relay when the contact starts now', async () => {
    const { attempts, requests, kicks } = await useCase({ contactMeUri: URI, contactMeRefusal: null, lastRemoteAddress: '127.0.0.1' });
    expect(attempts).toEqual([]);
    expect(requests).toEqual([[tx, MAC, URI, '127.0.0.1', expect.any(Date), 60_000]]);
    expect(kicks).toEqual(['kick']);
  });

  it('leaves a deferred request to the relay timer', async () => {
    const { requests, kicks } = await useCase({ contactMeUri: URI, contactMeRefusal: null, lastRemoteAddress: '127.0.0.1' }, { kind: 'within-gap', nextAllowedAt: 1 });
    expect(requests).toHaveLength(1);
    expect(kicks).toEqual([]);
  });
});
