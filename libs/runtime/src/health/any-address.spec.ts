import { anyAddress } from './any-address';

describe('anyAddress', () => {
  it('is the dual-stack :: where IPv6 can be bound', async () => {
    expect(await anyAddress(async (host) => host === '::')).toBe('::');
  });

  it('falls back to 0.0.0.0 on a host without IPv6', async () => {
    const asked: string[] = [];
    expect(await anyAddress(async (host) => (asked.push(host), false))).toBe('0.0.0.0');
    expect(asked).toEqual(['::']);
  });
});
