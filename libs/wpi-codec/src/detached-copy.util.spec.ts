import { detachedCopy } from './detached-copy.util';

describe('detachedCopy', () => {
  it.each([
    ['a hex nonce', '4F6A1034A46B463F8D008DA09314040A'],
    ['the empty string', ''],
    ['non-ASCII text', 'Grüße 日本語 📞'],
    ['a lone surrogate', 'a\uD800b'],
  ])('returns a string equal to %s', (_what, text) => {
    expect(detachedCopy(text)).toBe(text);
  });

  it('copies a slice of a large text without changing it', () => {
    const body = `<Message nonce="${'N'.repeat(32)}">${'x'.repeat(1_000_000)}`;
    const slice = body.slice(16, 48);
    const copy = detachedCopy(slice);
    expect(copy).toBe('N'.repeat(32));
    expect(copy).toHaveLength(32);
  });
});
