import { describe, expect, it } from 'vitest';
import { scd2ChildPart, scd2RowHash, scd2ValueText } from './scd2-row-hash';

const root = {
  id: 7,
  name: 'Ada',
  score: 1.5,
  active: true,
  big: 12345678901234567890n,
  seen: new Date('2024-01-02T03:04:05.000Z'),
  tags: ['b', 'a'],
  meta: { z: 1, a: null, m: 'x' },
  gone: null,
  _restsync_id: 'r1',
  _restsync_load_id: 'l1',
};

describe('scd2RowHash', () => {
  // The hashes destination-postgres stored before the hash moved to core: a changed format would
  // open a new version of every record of an existing scd2 table.
  it('should keep the format of the hashes already stored', () => {
    expect(scd2RowHash(root)).toBe('03f9b9dce762439ea550132945e1019d');
    const parts = [
      scd2ChildPart('/orders__items[1]', { sku: 'B', qty: null, _restsync_id: 'c2' }),
      scd2ChildPart('/orders__items[0]', { sku: 'A', qty: 2, _restsync_id: 'c1' }),
    ];
    expect(scd2RowHash(root, parts)).toBe('51b4deb2bd9e91d1820f8cb1c43ce73e');
    expect(scd2RowHash({ _restsync_id: 'x' })).toBe('5ba93c9db0cff93f52b521d7420e43f6');
  });

  it('should ignore key order, null values, system columns and the order of child parts', () => {
    const reordered = {
      _restsync_id: 'other',
      extra: null,
      ...Object.fromEntries(Object.entries(root).reverse()),
    };
    expect(scd2RowHash(reordered)).toBe(scd2RowHash(root));
    const parts = ['/a[0]=x', '/a[1]=y'];
    expect(scd2RowHash(root, parts)).toBe(scd2RowHash(root, [...parts].reverse()));
  });

  it('should change with a value, a nested value or a child part', () => {
    const base = scd2RowHash(root);
    expect(scd2RowHash({ ...root, name: 'Ada L.' })).not.toBe(base);
    expect(scd2RowHash({ ...root, meta: { ...root.meta, m: 'y' } })).not.toBe(base);
    expect(scd2RowHash(root, ['/a[0]=x'])).not.toBe(base);
  });
});

describe('scd2ValueText', () => {
  it('should sort keys and leave out null fields at every level', () => {
    expect(scd2ValueText({ b: [{ d: 1, c: null }], a: 2n })).toBe('{"a":2n,"b":[{"d":1}]}');
  });
});
