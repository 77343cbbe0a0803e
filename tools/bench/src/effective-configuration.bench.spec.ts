import { effectiveConfiguration, phoneFacts, profilesForPhone, SecretBox } from '@workpoint/configuration';
import { EFFECTIVE_NIC_BASE, fleetPhone, fleetProfiles, phoneFactsInput, storedProfiles } from './configuration-fleet.fixture';
import { benchEffectiveConfiguration } from './effective-configuration.bench';

describe('effective configuration, in-process', () => {
  it('gives every fleet phone an effective configuration and a plan, timing each part', () => {
    const result = benchEffectiveConfiguration({ phones: 40, reportedItems: 200, warmUp: 5 }, () => undefined);
    expect(result.failedPhones).toBe(0);
    expect(result.totalUs.count).toBe(40);
    expect(result.effectiveUs.count).toBe(40);
    expect(result.planUs.count).toBe(40);
    expect(result.effectiveItemsPerPhone).toBeGreaterThan(50);
    // Secrets at least: the phone never reports them and nothing was applied yet.
    expect(result.pendingWritesPerPhone).toBeGreaterThan(0);
    expect(result.totalUs.mean).toBeGreaterThanOrEqual(result.effectiveUs.mean);
  });

  it('stores secrets sealed only, and the phone gets them opened', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const stored = storedProfiles(fleetProfiles(), (plain) => box.seal(plain));
    const adminPassword = stored.flatMap((p) => p.items).find((i) => i.name === 'admin-pwd');
    expect(adminPassword).toEqual({ name: 'admin-pwd', sealed: expect.stringMatching(/^enc:v1:/) });

    const input = phoneFactsInput(fleetPhone(0, EFFECTIVE_NIC_BASE));
    const effective = effectiveConfiguration(
      profilesForPhone(stored, input, (sealed) => box.open(sealed)),
      phoneFacts(input),
    );
    if (!effective.ok) throw new Error(JSON.stringify(effective.problems));
    expect(effective.items.find((i) => i.name === 'admin-pwd')?.value).toBe('73829104');
    expect(effective.items.find((i) => i.name === 'reg-addr')?.value).toBe('10.20.0.10');
  });
});
