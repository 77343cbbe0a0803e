import { PhoneItemStore } from './phone-item.store';

describe('PhoneItemStore', () => {
  const initial = [
    { name: 'a', value: '1' },
    { name: 'k', index: 1, value: 'x' },
    { name: 'k', index: 2, value: 'y' },
  ];

  it('replaces entries in place, appends new ones and counts revisions', () => {
    const store = new PhoneItemStore(initial);
    store.set([
      { name: 'k', index: 2, value: 'z' },
      { name: 'b', value: '2' },
      { name: 'k', value: 'plain' },
    ]);
    expect(store.snapshot()).toEqual([
      { name: 'a', value: '1' },
      { name: 'k', index: 1, value: 'x' },
      { name: 'k', index: 2, value: 'z' },
      { name: 'b', value: '2' },
      { name: 'k', value: 'plain' },
    ]);
    expect(store.get('k', 2)?.value).toBe('z');
    expect(store.get('k')?.value).toBe('plain');
    expect(store.named('k')).toHaveLength(3);
    expect(store.revision).toBe(1);
    store.set([]);
    expect(store.revision).toBe(1);
  });

  it('never changes a snapshot already handed out', () => {
    const store = new PhoneItemStore(initial);
    const before = store.snapshot();
    store.set([{ name: 'a', value: 'changed' }]);
    store.remove((item) => item.name === 'k');
    expect(before).toEqual(initial);
    expect(store.snapshot()).toEqual([{ name: 'a', value: 'changed' }]);
    expect(store.get('k', 1)).toBeUndefined();
  });

  it('keeps lookups right after removals and a full replacement', () => {
    const store = new PhoneItemStore(initial);
    store.remove((item) => item.name === 'a');
    store.set([{ name: 'k', index: 2, value: 'w' }]);
    expect(store.snapshot()).toEqual([
      { name: 'k', index: 1, value: 'x' },
      { name: 'k', index: 2, value: 'w' },
    ]);
    store.replaceAll([{ name: 'only', value: '1' }]);
    expect(store.get('k', 1)).toBeUndefined();
    expect(store.get('only')?.value).toBe('1');
    expect(store.revision).toBe(3);
  });
});
