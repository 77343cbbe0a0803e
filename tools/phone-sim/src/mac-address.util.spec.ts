import { macAddress, splitMac } from './mac-address.util';

describe('MAC addresses', () => {
  it('formats an OUI and NIC number', () => {
    expect(macAddress('00:1a:e8', 1)).toBe('00:1A:E8:00:00:01');
    expect(macAddress('00:1A:E8', 0xabcdef)).toBe('00:1A:E8:AB:CD:EF');
  });

  it('wraps the NIC number into 24 bits', () => {
    expect(macAddress('00:1A:E8', 0x1000000 + 5)).toBe('00:1A:E8:00:00:05');
  });

  it('splits a MAC into OUI and NIC number', () => {
    expect(splitMac('00:1a:e8:00:01:00')).toEqual({ prefix: '00:1A:E8', nic: 256 });
  });

  it('rejects malformed input', () => {
    expect(() => macAddress('00:1A', 1)).toThrow(/invalid OUI/);
    expect(() => splitMac('00-1A-E8-00-00-01')).toThrow(/invalid MAC/);
  });
});
