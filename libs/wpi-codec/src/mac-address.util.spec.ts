import { normaliseMac } from './mac-address.util';

describe('normaliseMac', () => {
  it.each([
    ['00:01:E3:25:EA:13', '00:01:E3:25:EA:13'],
    ['00:01:e3:25:ea:13', '00:01:E3:25:EA:13'],
    ['00-01-e3-25-ea-13', '00:01:E3:25:EA:13'],
    ['00-1A-E8-4B-09-7C', '00:1A:E8:4B:09:7C'],
    ['0001E325EA13', '00:01:E3:25:EA:13'],
    ['001ae84b097c', '00:1A:E8:4B:09:7C'],
    ['  00:01:E3:25:EA:13\n', '00:01:E3:25:EA:13'],
  ])('accepts %j', (raw, expected) => {
    expect(normaliseMac(raw)).toBe(expected);
  });

  it.each([
    '',
    '00:01:E3:25:EA',
    '00:01:E3:25:EA:13:FF',
    '00:01-E3:25:EA:13',
    '00.01.E3.25.EA.13',
    '0001.E325.EA13',
    '0001E325EA1G',
    '0001E325EA133',
    '0:1:E3:25:EA:13',
    'softphone-4711',
  ])('rejects %j', (raw) => {
    expect(normaliseMac(raw)).toBeUndefined();
  });
});
