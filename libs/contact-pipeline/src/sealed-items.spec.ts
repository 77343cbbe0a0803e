import { randomBytes } from 'node:crypto';
import { SealedItems } from './sealed-items';
import { SealedValueError, SecretBox } from './secret-box';

describe('SealedItems', () => {
  const items = new SealedItems(new SecretBox(randomBytes(32)));

  it('seals secret values only, and opens them back', () => {
    const clear = [{ name: 'sip-pwd', value: 'hunter2', index: 1 }, { name: 'e164', value: '4989' }, { name: 'admin-pwd', value: null }];
    const sealed = items.conceal(clear);
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(SecretBox.isSealed(sealed[0]!.value)).toBe(true);
    expect(sealed.slice(1)).toEqual(clear.slice(1));
    expect(items.reveal(sealed)).toEqual(clear);
  });

  it('gives the same list back when there is nothing to seal or open (no copy on the hot path)', () => {
    const plain = [{ name: 'e164', value: '4989' }];
    expect(items.conceal(plain)).toBe(plain);
    expect(items.reveal(plain)).toBe(plain);
  });

  it('leaves a sealed-looking value of an item that is not secret alone', () => {
    const odd = [{ name: 'display-id', value: 'enc:v1:not.really.sealed' }];
    expect(items.reveal(odd)).toEqual(odd);
  });

  it('refuses, with a coded permanent error, a value sealed under another key', () => {
    const other = new SealedItems(new SecretBox(randomBytes(32)));
    const run = () => items.reveal(other.conceal([{ name: 'sip-pwd', value: 'hunter2' }]));
    expect(run).toThrow(SealedValueError);
    expect(run).toThrow(expect.objectContaining({ code: 'unreadable-sealed-value', kind: 'permanent' }));
  });
});
