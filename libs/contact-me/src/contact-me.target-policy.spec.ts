import { parseContactMeTarget } from './contact-me.target';
import { ContactMeTargetPolicy, parseNetwork } from './contact-me.target-policy';

const PATH = '/contact_dls.html/ContactDLS';
const none = new ContactMeTargetPolicy();
const relays = new ContactMeTargetPolicy(['192.168.50.0/24', '2001:db8:50::/48', '10.1.9.9']);
/** An operator who allow-lists everything still never opens the forbidden classes or loopback. */
const everything = new ContactMeTargetPolicy(['0.0.0.0/0', '::/0']);

type Row = [uri: string, source: string, policy: ContactMeTargetPolicy, expected: string];
const accept = (normalised: string) => `accept ${normalised}`;

/** Targets × source addresses × allow-lists: `accept <normalised uri>` or `refuse <reason>`. */
const table: Row[] = [
  // The phone's own address, in every spelling of it.
  [`http://10.1.2.3:8085${PATH}`, '10.1.2.3', none, accept(`http://10.1.2.3:8085${PATH}`)],
  [`http://10.1.2.3:8085${PATH}`, '::ffff:10.1.2.3', none, accept(`http://10.1.2.3:8085${PATH}`)],
  [`http://[::ffff:10.1.2.3]:8085${PATH}`, '10.1.2.3', none, accept(`http://[::ffff:a01:203]:8085${PATH}`)],
  [`http://[2001:DB8:0::7]:8085${PATH}`, '2001:db8::7', none, accept(`http://[2001:db8::7]:8085${PATH}`)],
  [`http://0x0a.1.2.3:8085${PATH}`, '10.1.2.3', none, accept(`http://10.1.2.3:8085${PATH}`)],
  // Loopback only when it is the phone's own source (simulator, tests).
  [`http://127.0.0.1:8085${PATH}`, '127.0.0.1', none, accept(`http://127.0.0.1:8085${PATH}`)],
  [`http://127.0.0.1:8085${PATH}`, '::ffff:127.0.0.1', none, accept(`http://127.0.0.1:8085${PATH}`)],
  ['http://127.0.0.1:18082/api', '10.1.2.3', none, "refuse loopback 127.0.0.1 is not the phone's address"],
  ['http://127.0.0.1:18082/api', '10.1.2.3', everything, "refuse loopback 127.0.0.1 is not the phone's address"],
  ['http://127.0.0.2:8085/x', '127.0.0.1', none, "refuse loopback 127.0.0.2 is not the phone's address"],
  ['http://[::1]:8085/x', '10.1.2.3', everything, "refuse loopback ::1 is not the phone's address"],
  ['http://[::ffff:127.0.0.1]/x', '10.1.2.3', everything, "refuse loopback ::ffff:7f00:1 is not the phone's address"],
  ['http://2130706433:18082/api', '10.1.2.3', none, "refuse loopback 127.0.0.1 is not the phone's address"],
  // Another address: only through the allow-list.
  [`http://10.1.2.4:8085${PATH}`, '10.1.2.3', none, "refuse 10.1.2.4 is neither the phone's address nor allow-listed"],
  [`http://192.168.50.20:8085${PATH}`, '203.0.113.9', relays, accept(`http://192.168.50.20:8085${PATH}`)],
  [`http://192.168.51.20:8085${PATH}`, '203.0.113.9', relays, "refuse 192.168.51.20 is neither the phone's address nor allow-listed"],
  [`http://10.1.9.9:8085${PATH}`, '203.0.113.9', relays, accept(`http://10.1.9.9:8085${PATH}`)],
  [`http://[2001:db8:50::9]:8085${PATH}`, '203.0.113.9', relays, accept(`http://[2001:db8:50::9]:8085${PATH}`)],
  [`http://[::ffff:192.168.50.20]:8085${PATH}`, '203.0.113.9', relays, accept(`http://[::ffff:c0a8:3214]:8085${PATH}`)],
  [`http://10.1.2.3:8085${PATH}`, 'not-an-address', none, "refuse 10.1.2.3 is neither the phone's address nor allow-listed"],
  // Never, even from the same address or allow-listed.
  ['http://169.254.169.254/latest', '10.1.2.3', none, 'refuse cloud metadata address 169.254.169.254'],
  ['http://169.254.169.254/latest', '169.254.169.254', everything, 'refuse cloud metadata address 169.254.169.254'],
  ['http://[::ffff:169.254.169.254]/latest', '10.1.2.3', everything, 'refuse cloud metadata address ::ffff:a9fe:a9fe'],
  ['http://[fd00:ec2::254]/latest', 'fd00:ec2::254', everything, 'refuse cloud metadata address fd00:ec2::254'],
  ['http://100.100.100.200/latest', '100.100.100.200', everything, 'refuse cloud metadata address 100.100.100.200'],
  ['http://169.254.10.10:8085/x', '169.254.10.10', everything, 'refuse link-local address 169.254.10.10'],
  ['http://[fe80::1]:8085/x', 'fe80::1', everything, 'refuse link-local address fe80::1'],
  ['http://[febf::1]:8085/x', '10.1.2.3', everything, 'refuse link-local address febf::1'],
  ['http://224.0.0.1:8085/x', '224.0.0.1', everything, 'refuse multicast address 224.0.0.1'],
  ['http://239.255.255.250:1900/x', '10.1.2.3', everything, 'refuse multicast address 239.255.255.250'],
  ['http://[ff02::1]:8085/x', 'ff02::1', everything, 'refuse multicast address ff02::1'],
  ['http://255.255.255.255:8085/x', '255.255.255.255', everything, 'refuse broadcast address 255.255.255.255'],
  ['http://0.0.0.0:8085/x', '0.0.0.0', everything, 'refuse unspecified address 0.0.0.0'],
  ['http://[::]:8085/x', '::', everything, 'refuse unspecified address ::'],
  // Host names: never resolved, so never rebound.
  ['http://kafka:9092/x', '10.1.2.3', everything, 'refuse host name, not an IP address'],
  ['http://localhost:18082/api', '127.0.0.1', everything, 'refuse host name, not an IP address'],
  ['http://phone-17.example.com/x', '10.1.2.3', everything, 'refuse host name, not an IP address'],
  // Syntax: scheme, credentials, length; the default path.
  ['https://10.1.2.3/x', '10.1.2.3', none, 'refuse unsupported scheme https:'],
  ['gopher://10.1.2.3/x', '10.1.2.3', none, 'refuse unsupported scheme gopher:'],
  [`${'x'.repeat(40)}://10.1.2.3/x`, '10.1.2.3', none, 'refuse unsupported scheme'],
  ['http://admin:secret@10.1.2.3/x', '10.1.2.3', none, 'refuse credentials in the URL are not supported'],
  [`http://10.1.2.3/${'a'.repeat(300)}`, '10.1.2.3', none, 'refuse longer than 255 characters'],
  ['not a url', '10.1.2.3', none, 'refuse not a URL'],
  ['', '10.1.2.3', none, 'refuse empty target'],
  ['http://10.1.2.3:8085', '10.1.2.3', none, accept(`http://10.1.2.3:8085${PATH}`)],
  ['http://10.1.2.3/', '10.1.2.3', none, accept(`http://10.1.2.3${PATH}`)],
  ['http://10.1.2.3:8085/?x=1', '10.1.2.3', none, accept(`http://10.1.2.3:8085${PATH}?x=1`)],
];

describe('ContactMeTargetPolicy.decide', () => {
  it.each(table)('%s from %s', (uri, source, policy, expected) => {
    const decision = policy.decide(uri, source);
    expect(decision.ok ? accept(decision.target.uri) : `refuse ${decision.reason}`).toBe(expected);
  });

  it('never repeats junk from the URI in a reason, and keeps every reason short', () => {
    for (const [uri, source, policy] of table) {
      const decision = policy.decide(uri, source);
      if (decision.ok) continue;
      expect(decision.reason.length).toBeLessThanOrEqual(100);
      expect(decision.reason).not.toContain('secret');
      expect(decision.reason).not.toContain('aaaa');
      expect(decision.reason).not.toContain('xxxx');
    }
  });

  it('splits an accepted target into what node:http needs', () => {
    expect(parseContactMeTarget('http://[2001:db8::7]:8085/a?b=1')).toEqual({
      ok: true,
      target: { host: '2001:db8::7', port: 8085, path: '/a?b=1', uri: 'http://[2001:db8::7]:8085/a?b=1' },
    });
  });
});

describe('parseNetwork', () => {
  it.each([
    ['10.20.0.0/16', { address: '10.20.0.0', prefix: 16, family: 'ipv4' }],
    [' 2001:db8::/48 ', { address: '2001:db8::', prefix: 48, family: 'ipv6' }],
    ['10.1.9.9', { address: '10.1.9.9', prefix: 32, family: 'ipv4' }],
  ])('reads %s', (entry, expected) => {
    expect(parseNetwork(entry)).toEqual(expected);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', 'example.com/24', '10.0.0.0/8/8', '::/129', '10.0.0.0/-1', ''])('refuses %j', (entry) => {
    expect(() => parseNetwork(entry)).toThrow(RangeError);
    expect(() => new ContactMeTargetPolicy([entry])).toThrow(RangeError);
  });
});
