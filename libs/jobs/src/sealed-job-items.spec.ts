import { randomBytes } from 'node:crypto';
import { ITEM_TYPES } from '@workpoint/wpi-codec';
import { isSealedItem, SealedJobItems } from './sealed-job-items';
import { SecretBox } from '@workpoint/contact-pipeline';

describe('SealedJobItems', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = new SealedJobItems(box);

  it('seals file-pwd (and only secret items) when a job is queued, and opens it for the phone', () => {
    const items = [
      { name: 'file-https-base-url', value: 'https://files.example/a.png' },
      { name: 'file-pwd', value: 'hunter2', index: 1 },
      { name: 'file-username', value: 'dls' },
    ];
    const stored = sealed.conceal(items);
    expect(JSON.stringify(stored)).not.toContain('hunter2');
    expect(SecretBox.isSealed(stored[1]!.value)).toBe(true);
    expect(stored[1]!.index).toBe(1);
    expect(stored.filter((i) => i.name !== 'file-pwd')).toEqual(items.filter((i) => i.name !== 'file-pwd'));
    expect(sealed.reveal(stored)).toEqual(items);
  });

  it('leaves empty, null and already sealed values as they are', () => {
    const once = sealed.conceal([{ name: 'file-pwd', value: 'x' }]);
    expect(sealed.conceal(once)).toEqual(once);
    expect(sealed.conceal([{ name: 'file-pwd', value: '' }, { name: 'sip-pwd', value: null }])).toEqual([{ name: 'file-pwd', value: '' }, { name: 'sip-pwd', value: null }]);
  });

  it('seals every item the catalogue marks secret', () => {
    const secret = [...ITEM_TYPES].filter(([, facts]) => facts.secret === true).map(([name]) => name);
    expect(secret).toContain('file-pwd');
    for (const name of secret) {
      expect(isSealedItem(name)).toBe(true);
      expect(SecretBox.isSealed(sealed.conceal([{ name, value: 'v' }])[0]!.value)).toBe(true);
    }
  });

  it('cannot open a job sealed under another key', () => {
    const other = new SealedJobItems(new SecretBox(randomBytes(32)));
    expect(() => other.reveal(sealed.conceal([{ name: 'file-pwd', value: 'x' }]))).toThrow();
  });
});
