import { itemAnomalies } from './item-anomalies';

describe('itemAnomalies', () => {
  it('keeps a clean list as it is', () => {
    const items = [
      { name: 'e164', value: '4989' },
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'function-key-def', index: 2, value: '0' },
    ];
    expect(itemAnomalies(items)).toEqual({ items, duplicates: [], unexpectedIndex: [], missingIndex: [] });
  });

  it('drops repeats of one (name, index), keeping the first, and names them', () => {
    const result = itemAnomalies([
      { name: 'e164', value: 'first' },
      { name: 'e164', value: 'second' },
      { name: 'key-label', index: 3, value: 'a' },
      { name: 'key-label', index: 3, value: 'b' },
      { name: 'key-label', index: 4, value: 'c' },
    ]);
    expect(result.items).toEqual([
      { name: 'e164', value: 'first' },
      { name: 'key-label', index: 3, value: 'a' },
      { name: 'key-label', index: 4, value: 'c' },
    ]);
    expect(result.duplicates).toEqual(['e164', 'key-label[3]']);
  });

  it('names an index on a single-valued item and a missing index on a multi-valued one, keeping both', () => {
    const items = [
      { name: 'e164', index: 1, value: '4989' },
      { name: 'function-key-def', value: '1' },
      { name: 'not-in-the-catalogue', index: 7, value: 'x' },
    ];
    const result = itemAnomalies(items);
    expect(result.items).toEqual(items);
    expect(result.unexpectedIndex).toEqual(['e164[1]']);
    expect(result.missingIndex).toEqual(['function-key-def']);
  });
});
