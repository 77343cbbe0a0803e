import { sameVersion } from './job-stage.use-case';

describe('sameVersion', () => {
  it.each([
    ['V3 R5.12.0', '3.5.12.0', true],
    ['V1 R4.9.0', '1.4.9.0', true],
    ['V3 R5.12.0', 'V3 R5.12.0', true],
    ['V3 R5.12.0', '3.5.12', true],
    ['V3 R5.12.0', '3.5.13.0', false],
    ['V3 R5.1.0', '3.5.12.0', false],
    ['unknown', '3.5.12.0', false],
  ])('%s vs %s → %s', (reported, wanted, same) => {
    expect(sameVersion(reported, wanted)).toBe(same);
  });
});
