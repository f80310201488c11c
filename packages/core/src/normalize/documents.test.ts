import { describe, expect, it } from 'vitest';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import { createNormalizer } from './normalizer';

const users: ResourceInfo = {
  name: 'users',
  primaryKey: ['id'],
  writeDisposition: 'merge',
  nested: 'flatten',
};

function documents(resource: ResourceInfo = users) {
  return createNormalizer({ resources: [resource], nesting: 'documents' });
}

describe('normalize (documents)', () => {
  it('should keep records as they are, nesting and key names included, plus system fields', () => {
    const record = { id: 1, userId: 5, 'a.b': 1, $price: 2, nested: { deep: { x: 1 } }, tags: [{ t: 'a' }] };
    const batches = documents().normalize('users', [record], 'load-1');
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch!.rows[0]).toEqual({
      ...record,
      _restsync_load_id: 'load-1',
      _restsync_id: expect.any(String),
    });
    expect(batch!.rows[0]).not.toBe(record);
    expect(record).not.toHaveProperty('_restsync_id');
  });

  it('should infer top-level columns only, with objects and arrays as jsonb', () => {
    const [batch] = documents().normalize(
      'users',
      [{ id: 1, userId: 5, when: '2024-01-02T03:04:05Z', nested: { a: 1 }, tags: ['x'], gone: null }],
      'load-1',
    );
    expect(batch!.table).toEqual({
      name: 'users',
      resource: 'users',
      columns: [
        { name: 'id', type: 'bigint', originalName: 'id', nullable: true },
        { name: 'userId', type: 'bigint', originalName: 'userId', nullable: true },
        { name: 'when', type: 'timestamp', originalName: 'when', nullable: true },
        { name: 'nested', type: 'json', originalName: 'nested', nullable: true },
        { name: 'tags', type: 'json', originalName: 'tags', nullable: true },
        { name: '_restsync_load_id', type: 'text', nullable: false },
        { name: '_restsync_id', type: 'text', nullable: false },
      ],
      primaryKey: ['id'],
      writeDisposition: 'merge',
      rowIds: 'key',
    });
  });

  it('should keep exact integers as bigints, typed bigint within 64 bits and decimal beyond', () => {
    const normalizer = documents();
    normalizer.normalize('users', [{ id: 1, amount: 1, huge: 1 }], 'load-1');
    const [batch] = normalizer.normalize(
      'users',
      [{ id: 9007199254740993n, amount: 9007199254740993n, huge: 2n ** 64n }],
      'load-1',
    );
    expect(batch!.rows[0]).toMatchObject({
      id: 9007199254740993n,
      amount: 9007199254740993n,
      huge: 2n ** 64n,
    });
    const types = Object.fromEntries(batch!.table.columns.map((entry) => [entry.name, entry.type]));
    expect(types).toMatchObject({ id: 'bigint', amount: 'bigint', huge: 'decimal' });
  });

  it('should widen a column whose values disagree instead of renaming anything', () => {
    const normalizer = documents();
    normalizer.normalize('users', [{ id: 1, score: 1, code: 7 }], 'load-1');
    normalizer.takeChanges();
    const [batch] = normalizer.normalize('users', [{ id: 2, score: 1.5, code: 'A7' }], 'load-1');
    expect(batch!.rows[0]).toMatchObject({ score: 1.5, code: 'A7' });
    const types = Object.fromEntries(batch!.table.columns.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({ score: 'double', code: 'json' });
    expect(normalizer.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: [], widenedColumns: ['score', 'code'] },
    ]);
  });

  it('should give the same key the same _restsync_id as flattening mode', () => {
    const [document] = documents().normalize('users', [{ id: 9 }], 'load-1');
    const [flat] = createNormalizer({ resources: [users], nesting: 'flatten' }).normalize(
      'users',
      [{ id: 9 }],
      'load-2',
    );
    expect(document!.rows[0]!._restsync_id).toBe(flat!.rows[0]!._restsync_id);
  });

  it('should require the primary key fields', () => {
    expect(() => documents().normalize('users', [{ id: 1 }, { name: 'x' }], 'load-1')).toThrow(SchemaError);
    expect(() => documents().normalize('users', [{ id: 1 }, { name: 'x' }], 'load-1')).toThrow(
      /Resource "users": the record at index 1 has no value for primary key field "id"/,
    );
  });

  it('should accept an object primary key, which a document store can index', () => {
    const [batch] = documents().normalize('users', [{ id: { tenant: 1, user: 2 } }], 'load-1');
    expect(batch!.rows[0]!.id).toEqual({ tenant: 1, user: 2 });
  });

  it('should refuse a record that carries a restsync system field', () => {
    expect(() => documents().normalize('users', [{ id: 1, _restsync_id: 'x' }], 'load-1')).toThrow(
      /record at index 0 has a field named "_restsync_id"/,
    );
  });

  it('should rebuild from a stored schema without reporting changes', () => {
    const first = documents();
    first.normalize('users', [{ id: 1, name: 'a' }], 'load-1');
    const second = createNormalizer({
      resources: [users],
      nesting: 'documents',
      schema: JSON.parse(JSON.stringify(first.schema())),
    });
    second.normalize('users', [{ name: 'b', id: 2 }], 'load-2');
    expect(second.takeChanges()).toEqual([]);
    expect(second.schema().version).toBe(1);
  });
});
