import { ContactMeEnvSchema } from './env-schemas';
import { loadConfig } from './load-config';

describe('CONTACT_ME_ALLOWED_NETWORKS', () => {
  it('is empty by default: only the phone\'s own source address is asked', () => {
    expect(loadConfig(ContactMeEnvSchema, {}).CONTACT_ME_ALLOWED_NETWORKS).toEqual([]);
  });

  it('reads a comma-separated list of CIDRs and single addresses', () => {
    const cfg = loadConfig(ContactMeEnvSchema, { CONTACT_ME_ALLOWED_NETWORKS: ' 192.168.50.0/24, 2001:db8:50::/48,10.1.9.9 ,' });
    expect(cfg.CONTACT_ME_ALLOWED_NETWORKS).toEqual(['192.168.50.0/24', '2001:db8:50::/48', '10.1.9.9']);
  });

  it.each(['10.0.0.0/33', 'relay.example.com', '10.0.0.0/8/8', '::/129', '10.0.0.0/x'])('refuses %j at boot', (entry) => {
    expect(() => loadConfig(ContactMeEnvSchema, { CONTACT_ME_ALLOWED_NETWORKS: `10.0.0.0/8,${entry}` })).toThrow(/CONTACT_ME_ALLOWED_NETWORKS/);
  });
});
