import { describe, expect, it } from 'vitest';
import type { TableBatch } from '../contracts/destination';
import type { ResourceInfo } from '../contracts/source';
import { ConfigError, SchemaError } from '../errors';
import { createNormalizer } from './normalizer';

function resource(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return { name: 'users', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten', ...overrides };
}

function flattening(overrides: Partial<ResourceInfo> = {}) {
  return createNormalizer({ resources: [resource(overrides)], nesting: 'flatten' });
}

function batchOf(batches: TableBatch[], table: string): TableBatch {
  const batch = batches.find((entry) => entry.table.name === table);
  if (batch === undefined) throw new Error(`no batch for table ${table}`);
  return batch;
}

function column(batch: TableBatch, name: string) {
  return batch.table.columns.find((entry) => entry.name === name);
}

describe('createNormalizer', () => {
  it('should reject an identifier limit too small to hold a hash', () => {
    expect(() =>
      createNormalizer({ resources: [resource()], nesting: 'flatten', maxIdentifierLength: 4 }),
    ).toThrow(ConfigError);
  });
});

describe('normalize (flatten)', () => {
  it('should normalize field names to snake_case columns and remember their source names', () => {
    const normalizer = flattening();
    const [users] = normalizer.normalize('users', [{ id: 1, userId: 5, select: 'x', 'a.b': true }], 'load-1');
    expect(users!.rows[0]).toMatchObject({ id: 1, user_id: 5, select: 'x', a_b: true });
    expect(column(users!, 'user_id')).toEqual({
      name: 'user_id',
      type: 'bigint',
      originalName: 'userId',
      nullable: true,
    });
    expect(column(users!, 'select')?.originalName).toBe('select');
    expect(column(users!, 'a_b')?.originalName).toBe('a\\.b');
  });

  it('should resolve colliding names in the order the fields are first seen', () => {
    const normalizer = flattening();
    const [users] = normalizer.normalize(
      'users',
      [{ id: 1, userId: 'camel', user_id: 'snake', 'user-id': 'kebab' }],
      'load-1',
    );
    expect(users!.rows[0]).toMatchObject({ user_id: 'camel', user_id_2: 'snake', user_id_3: 'kebab' });
    expect(users!.table.columns.map((entry) => [entry.name, entry.originalName]).slice(1, 4)).toEqual([
      ['user_id', 'userId'],
      ['user_id_2', 'user_id'],
      ['user_id_3', 'user-id'],
    ]);
  });

  it('should keep a colliding field on its column in later records, whatever their key order', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1, userId: 'camel', user_id: 'snake' }], 'load-1');
    const [users] = normalizer.normalize(
      'users',
      [{ id: 2, user_id: 'snake again', userId: 'camel again' }],
      'load-1',
    );
    expect(users!.rows[0]).toMatchObject({ user_id: 'camel again', user_id_2: 'snake again' });
  });

  it('should give a source field named like a system column another name', () => {
    const [users] = flattening().normalize('users', [{ id: 1, _restsync_id: 'from the API' }], 'load-1');
    expect(users!.rows[0]).toMatchObject({ _restsync_id_2: 'from the API' });
    expect(users!.rows[0]!._restsync_id).not.toBe('from the API');
  });

  it('should shorten a 70-character field name to 63 bytes with a hash and keep it across records', () => {
    const long = `${'field'.repeat(13)}_long`;
    expect(long).toHaveLength(70);
    const normalizer = flattening();
    const [first] = normalizer.normalize('users', [{ id: 1, [long]: 'a' }], 'load-1');
    const [second] = normalizer.normalize('users', [{ id: 2, [long]: 'b' }], 'load-1');
    const longColumn = first!.table.columns.find((entry) => entry.originalName === long)!;
    expect(longColumn.name).toHaveLength(63);
    expect(longColumn.name).toMatch(/_[0-9a-f]{8}$/);
    expect(first!.rows[0]![longColumn.name]).toBe('a');
    expect(second!.rows[0]![longColumn.name]).toBe('b');
  });

  it('should give plain objects as rows, root and child, whose own keys are exactly their columns', () => {
    const normalizer = flattening();
    const batches = normalizer.normalize('users', [{ id: 1, name: 'a', tags: [{ tag: 'x' }] }], 'load-1');
    for (const batch of batches) {
      for (const row of batch.rows) {
        expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
        expect(Object.keys(row).sort()).toEqual(batch.table.columns.map((entry) => entry.name).sort());
        expect(JSON.parse(JSON.stringify(row))).toStrictEqual({ ...row });
      }
    }
  });

  it('should flatten nested objects into parent__child columns', () => {
    const [users] = flattening().normalize(
      'users',
      [{ id: 1, profile: { displayName: 'Ada', address: { city: 'London' } } }],
      'load-1',
    );
    expect(users!.rows[0]).toMatchObject({ profile__display_name: 'Ada', profile__address__city: 'London' });
    expect(column(users!, 'profile__address__city')?.originalName).toBe('profile.address.city');
  });

  it('should keep objects nested deeper than five levels as jsonb', () => {
    const record = { id: 1, l1: { l2: { l3: { l4: { l5: { l6: { deep: true } } } } } } };
    const [users] = flattening().normalize('users', [record], 'load-1');
    expect(users!.rows[0]!.l1__l2__l3__l4__l5__l6).toEqual({ deep: true });
    expect(column(users!, 'l1__l2__l3__l4__l5__l6')?.type).toBe('json');
  });

  it('should turn an array of objects into a linked child table', () => {
    const normalizer = flattening();
    const batches = normalizer.normalize(
      'users',
      [
        {
          id: 1,
          orders: [
            { orderId: 'a', total: 10 },
            { orderId: 'b', total: 12.5 },
          ],
        },
      ],
      'load-1',
    );
    expect(batches.map((batch) => batch.table.name)).toEqual(['users', 'users__orders']);
    const users = batchOf(batches, 'users');
    const orders = batchOf(batches, 'users__orders');
    const parentId = users.rows[0]!._restsync_id;
    expect(users.rows[0]).not.toHaveProperty('orders');
    expect(orders.rows).toHaveLength(2);
    expect(orders.rows[1]).toMatchObject({
      order_id: 'b',
      total: 12.5,
      _restsync_parent_id: parentId,
      _restsync_root_id: parentId,
      _restsync_list_idx: 1,
      _restsync_load_id: 'load-1',
    });
    expect(orders.rows[0]!._restsync_id).not.toBe(orders.rows[1]!._restsync_id);
    expect(orders.table).toMatchObject({
      parent: 'users',
      resource: 'users',
      primaryKey: ['_restsync_id'],
      writeDisposition: 'merge',
    });
    expect(orders.table.columns.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        '_restsync_id',
        '_restsync_parent_id',
        '_restsync_root_id',
        '_restsync_list_idx',
        '_restsync_load_id',
      ]),
    );
  });

  it('should turn an array of scalars into child rows with a value column', () => {
    const batches = flattening().normalize('users', [{ id: 1, tags: ['admin', 'ops'] }], 'load-1');
    const tags = batchOf(batches, 'users__tags');
    expect(tags.rows.map((row) => row.value)).toEqual(['admin', 'ops']);
    expect(tags.rows.map((row) => row._restsync_list_idx)).toEqual([0, 1]);
    expect(tags.table.columns[0]).toEqual({
      name: 'value',
      type: 'text',
      originalName: 'value',
      nullable: true,
    });
  });

  it('should link grandchild rows to their parent and to the root row', () => {
    const batches = flattening().normalize(
      'users',
      [{ id: 1, orders: [{ lines: [{ sku: 'x' }, { sku: 'y' }] }] }],
      'load-1',
    );
    expect(batches.map((batch) => batch.table.name)).toEqual([
      'users',
      'users__orders',
      'users__orders__lines',
    ]);
    const rootId = batchOf(batches, 'users').rows[0]!._restsync_id;
    const orderId = batchOf(batches, 'users__orders').rows[0]!._restsync_id;
    const lines = batchOf(batches, 'users__orders__lines');
    expect(lines.table.parent).toBe('users__orders');
    expect(lines.rows.map((row) => [row.sku, row._restsync_parent_id, row._restsync_root_id])).toEqual([
      ['x', orderId, rootId],
      ['y', orderId, rootId],
    ]);
  });

  it('should keep arrays as jsonb when the resource asks for nested json', () => {
    const batches = flattening({ nested: 'json' }).normalize(
      'users',
      [{ id: 1, tags: ['a', 'b'], orders: [{ total: 1 }] }],
      'load-1',
    );
    expect(batches).toHaveLength(1);
    expect(batches[0]!.rows[0]).toMatchObject({ tags: ['a', 'b'], orders: [{ total: 1 }] });
    expect(column(batches[0]!, 'tags')?.type).toBe('json');
  });

  it('should infer column types from values', () => {
    const [users] = flattening().normalize(
      'users',
      [
        {
          id: 1,
          count: 3,
          ratio: 0.5,
          active: false,
          seen: '2024-01-02T03:04:05Z',
          day: '2024-01-02',
          note: 'hi',
        },
      ],
      'load-1',
    );
    const types = Object.fromEntries(users!.table.columns.map((entry) => [entry.name, entry.type]));
    expect(types).toMatchObject({
      id: 'bigint',
      count: 'bigint',
      ratio: 'double',
      active: 'bool',
      seen: 'timestamp',
      day: 'text',
      note: 'text',
      _restsync_id: 'text',
      _restsync_load_id: 'text',
    });
  });

  it('should create no column for a field that has only been null, then type it by its first value', () => {
    const normalizer = flattening();
    const [first] = normalizer.normalize('users', [{ id: 1, deletedAt: null }], 'load-1');
    expect(column(first!, 'deleted_at')).toBeUndefined();
    const [second] = normalizer.normalize(
      'users',
      [
        { id: 2, deletedAt: '2024-05-06T07:08:09Z' },
        { id: 3, deletedAt: null },
      ],
      'load-1',
    );
    expect(column(second!, 'deleted_at')).toMatchObject({ type: 'timestamp', nullable: true });
    expect(second!.rows[1]!.deleted_at).toBeNull();
  });

  it('should keep both values when a number column receives a string, in a variant column', () => {
    const normalizer = flattening();
    const [first] = normalizer.normalize('users', [{ id: 1, value: 42 }], 'load-1');
    const [second] = normalizer.normalize('users', [{ id: 2, value: 'forty-two' }], 'load-1');
    expect(first!.rows[0]!.value).toBe(42);
    expect(second!.rows[0]).toMatchObject({ value: null, value__v_text: 'forty-two' });
    expect(column(second!, 'value')?.type).toBe('bigint');
    expect(column(second!, 'value__v_text')).toEqual({
      name: 'value__v_text',
      type: 'text',
      originalName: 'value',
      nullable: true,
    });
    expect(normalizer.takeChanges()).toContainEqual({
      table: 'users',
      created: true,
      addedColumns: ['id', 'value', '_restsync_load_id', '_restsync_id', 'value__v_text'],
      widenedColumns: [],
    });
  });

  it('should route every other conflict to a variant named after the value type', () => {
    const normalizer = flattening();
    normalizer.normalize(
      'users',
      [{ id: 1, seen: '2024-01-02T03:04:05Z', flag: true, note: 'text', bag: { inner: 1 } }],
      'x',
    );
    const [users] = normalizer.normalize(
      'users',
      [{ id: 2, seen: 'yesterday', flag: 1, note: 7, bag: 'flat' }],
      'x',
    );
    expect(users!.rows[0]).toMatchObject({
      seen: null,
      seen__v_text: 'yesterday',
      flag: null,
      flag__v_bigint: 1,
      note: null,
      note__v_bigint: 7,
      bag: 'flat',
    });
    // An object and a scalar under one field do not conflict: they fill different columns.
    expect(users!.rows[0]).not.toHaveProperty('bag__inner');
    expect(users!.table.columns.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['bag__inner', 'bag']),
    );
  });

  it('should send integers to an existing double variant rather than opening a bigint variant', () => {
    const normalizer = flattening();
    normalizer.normalize(
      'users',
      [
        { id: 1, code: 'A1' },
        { id: 2, code: 2.5 },
      ],
      'x',
    );
    const [users] = normalizer.normalize('users', [{ id: 3, code: 3 }], 'x');
    expect(users!.rows[0]).toMatchObject({ code: null, code__v_double: 3 });
    expect(users!.table.columns.map((entry) => entry.name)).not.toContain('code__v_bigint');
  });

  it('should store Date values as ISO timestamps', () => {
    const [users] = flattening().normalize('users', [{ id: 1, at: new Date(Date.UTC(2024, 0, 2)) }], 'x');
    expect(users!.rows[0]!.at).toBe('2024-01-02T00:00:00.000Z');
    expect(column(users!, 'at')?.type).toBe('timestamp');
  });

  it('should put an array into a variant when a scalar column already holds the field in json nesting', () => {
    const normalizer = flattening({ nested: 'json' });
    normalizer.normalize('users', [{ id: 1, tags: 'none' }], 'x');
    const [users] = normalizer.normalize('users', [{ id: 2, tags: ['a'] }], 'x');
    expect(users!.rows[0]).toMatchObject({ tags: null, tags__v_jsonb: ['a'] });
  });

  it('should widen a bigint column to double when a fraction arrives, without a variant', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1, score: 3 }], 'load-1');
    normalizer.takeChanges();
    const [users] = normalizer.normalize('users', [{ id: 2, score: 3.25 }], 'load-1');
    expect(users!.rows[0]!.score).toBe(3.25);
    expect(column(users!, 'score')?.type).toBe('double');
    expect(users!.table.columns.some((entry) => entry.name.startsWith('score__v_'))).toBe(false);
    expect(normalizer.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: [], widenedColumns: ['score'] },
    ]);
  });

  // Regression: ids around 2^53 collapsed into one row and the id column became double precision.
  it('should keep exact integers beyond 2^53 as bigint values with distinct row ids', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1, amount: 5 }], 'load-1');
    const [users] = normalizer.normalize(
      'users',
      [
        { id: 9007199254740993n, amount: 9007199254740993n },
        { id: 9007199254740992n, amount: 1 },
        { id: 9007199254740995n, amount: 2 },
      ],
      'load-1',
    );
    expect(users!.rows.map((row) => row.id)).toEqual([
      9007199254740993n,
      9007199254740992n,
      9007199254740995n,
    ]);
    expect(users!.rows[0]!.amount).toBe(9007199254740993n);
    expect(new Set(users!.rows.map((row) => row._restsync_id)).size).toBe(3);
    expect(column(users!, 'id')?.type).toBe('bigint');
    expect(column(users!, 'amount')?.type).toBe('bigint');
  });

  it('should widen a bigint column to decimal for an integer beyond 64 bits, primary key included', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1, amount: 5 }], 'load-1');
    const [users] = normalizer.normalize('users', [{ id: 2n ** 64n, amount: -(2n ** 70n) }], 'load-1');
    expect(users!.rows[0]).toMatchObject({ id: 2n ** 64n, amount: -(2n ** 70n) });
    expect(column(users!, 'id')?.type).toBe('decimal');
    expect(column(users!, 'amount')?.type).toBe('decimal');
  });

  it('should give an exact integer the same _restsync_id as the same number', () => {
    const fromNumber = flattening().normalize('users', [{ id: 42 }], 'load-1');
    const fromBigint = flattening().normalize('users', [{ id: 42n }], 'load-1');
    expect(fromBigint[0]!.rows[0]!._restsync_id).toBe(fromNumber[0]!.rows[0]!._restsync_id);
  });

  // Regression: a U+0000 in a field name reached the stored schema, which Postgres jsonb rejects.
  it('should keep U+0000 out of column names and stored field paths', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1, 'a\u0000b': 1, nested: { 'c\u0000': 'x' } }], 'load-1');
    const [users] = normalizer.normalize(
      'users',
      [{ id: 2, 'a\u0000b': 2, nested: { 'c\u0000': 'y' } }],
      'load-1',
    );
    expect(users!.rows[0]).toMatchObject({ a_b: 2, nested__c: 'y' });
    const stored = JSON.stringify(normalizer.schema());
    expect(stored).not.toContain('\\u0000');
    expect(column(users!, 'a_b')?.originalName).toBe('a\\0b');
  });

  it('should give the same record key the same _restsync_id, and different keys different ids', () => {
    const first = flattening().normalize('users', [{ id: 7, name: 'a' }, { id: 8 }], 'load-1');
    const second = flattening().normalize('users', [{ id: 7, name: 'changed' }], 'load-2');
    expect(first[0]!.rows[0]!._restsync_id).toBe(second[0]!.rows[0]!._restsync_id);
    expect(first[0]!.rows[0]!._restsync_id).not.toBe(first[0]!.rows[1]!._restsync_id);
    expect(second[0]!.rows[0]!._restsync_load_id).toBe('load-2');
  });

  it('should use a one-value key as the root id of a new table, and keep hashing for a table stored without rowIds', () => {
    const fresh = flattening();
    const [users] = fresh.normalize('users', [{ id: 7 }, { id: 9007199254740993n }], 'load-1');
    expect(users!.rows.map((row) => row._restsync_id)).toEqual(['7', '9007199254740993']);
    const [named] = flattening().normalize('users', [{ id: 'x7' }, { id: '' }], 'load-1');
    expect(named!.rows.map((row) => row._restsync_id)).toEqual(['x7', '']);
    expect(fresh.schema().tables[0]!.rowIds).toBe('key');

    // A table stored before key ids existed keeps its hashed ids: rows already loaded are matched by them.
    const { rowIds: _dropped, ...stored } = fresh.schema().tables[0]!;
    const upgraded = createNormalizer({
      resources: [resource()],
      schema: { version: 1, tables: [stored] },
      nesting: 'flatten',
    });
    const [again] = upgraded.normalize('users', [{ id: 7 }], 'load-2');
    expect(again!.rows[0]!._restsync_id).toMatch(/^[0-9a-f]{32}$/);
    expect(upgraded.schema().tables[0]!.rowIds).toBeUndefined();
  });

  it('should give child rows ids that are stable for the same parent key', () => {
    const record = { id: 7, tags: ['a', 'b'] };
    const first = flattening().normalize('users', [record], 'load-1');
    const second = flattening().normalize('users', [record], 'load-2');
    expect(batchOf(first, 'users__tags').rows.map((row) => row._restsync_id)).toEqual(
      batchOf(second, 'users__tags').rows.map((row) => row._restsync_id),
    );
  });

  it('should hash a composite primary key and map key fields to their column names', () => {
    const normalizer = flattening({ primaryKey: ['accountId', 'owner.id'] });
    const [users] = normalizer.normalize(
      'users',
      [
        { accountId: 1, owner: { id: 'a' } },
        { accountId: 1, owner: { id: 'b' } },
      ],
      'load-1',
    );
    expect(users!.table.primaryKey).toEqual(['account_id', 'owner__id']);
    expect(column(users!, 'account_id')?.nullable).toBe(false);
    expect(users!.rows[0]!._restsync_id).not.toBe(users!.rows[1]!._restsync_id);
  });

  it('should give rows without a primary key distinct ids and no table key', () => {
    const [events] = flattening({ primaryKey: [], writeDisposition: 'append' }).normalize(
      'users',
      [{ kind: 'same' }, { kind: 'same' }],
      'load-1',
    );
    expect(events!.table.primaryKey).toEqual([]);
    expect(events!.rows[0]!._restsync_id).not.toBe(events!.rows[1]!._restsync_id);
  });

  it('should name the resource, the key field and the record index when a key is missing', () => {
    const normalizer = flattening();
    const records = [{ id: 1 }, { id: 2 }, { name: 'no id' }];
    expect(() => normalizer.normalize('users', records, 'load-1')).toThrow(SchemaError);
    expect(() => normalizer.normalize('users', records, 'load-1')).toThrow(
      /Resource "users": the record at index 2 has no value for primary key field "id"/,
    );
    expect(() => normalizer.normalize('users', [{ id: null }], 'load-1')).toThrow(
      /index 0 .*"id" \(missing or null\)/,
    );
    expect(normalizer.schema().tables).toEqual([]);
  });

  it('should refuse a key value whose type conflicts with the key column instead of creating a variant', () => {
    const normalizer = flattening();
    normalizer.normalize('users', [{ id: 1 }], 'load-1');
    expect(() => normalizer.normalize('users', [{ id: 'abc' }], 'load-1')).toThrow(
      /the record at index 0 has a text value for primary key field "id", but column "id" of table "users" is bigint/,
    );
  });

  it('should refuse an object as primary key in flattening mode', () => {
    expect(() => flattening().normalize('users', [{ id: { a: 1 } }], 'load-1')).toThrow(
      /an object as primary key/,
    );
  });

  it('should name an unknown resource', () => {
    expect(() => flattening().normalize('orders', [{ id: 1 }], 'load-1')).toThrow(
      /Resource "orders" is not one/,
    );
  });

  it('should wrap a non-object record into a value column', () => {
    const [numbers] = flattening({ primaryKey: [], name: 'numbers' }).normalize(
      'numbers',
      [1, 2] as unknown as Record<string, unknown>[],
      'load-1',
    );
    expect(numbers!.rows.map((row) => row.value)).toEqual([1, 2]);
  });

  it('should normalize the table names of resources and child tables', () => {
    const normalizer = createNormalizer({
      resources: [resource({ name: 'Team-Members', primaryKey: [] })],
      nesting: 'flatten',
    });
    const batches = normalizer.normalize('Team-Members', [{ 'Skill Tags': ['x'] }], 'load-1');
    expect(batches.map((batch) => batch.table.name)).toEqual(['team_members', 'team_members__skill_tags']);
    expect(batches[0]!.table.resource).toBe('Team-Members');
  });

  it('should length-limit child table names with a hash', () => {
    const normalizer = createNormalizer({
      resources: [resource({ name: 'r'.repeat(40), primaryKey: [] })],
      nesting: 'flatten',
    });
    const batches = normalizer.normalize('r'.repeat(40), [{ [`items_${'x'.repeat(30)}`]: [1] }], 'load-1');
    const child = batches[1]!.table.name;
    expect(child).toHaveLength(63);
    expect(child).toMatch(/^r{40}__items_x+_[0-9a-f]{8}$/);
  });
});

describe('createNormalizer merge pages', () => {
  // Regression: a key repeated within one page kept the earlier copy's extra children.
  it('should keep only the last record of a repeated merge key, with its own children', () => {
    const normalizer = createNormalizer({
      resources: [{ name: 'orders', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' }],
      nesting: 'flatten',
    });
    const batches = normalizer.normalize(
      'orders',
      [
        { id: 7, status: 'old', lines: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }] },
        { id: 8, status: 'other', lines: [] },
        { id: 7, status: 'new', lines: [{ sku: 'z' }] },
      ],
      'load-1',
    );
    const root = batches.find((batch) => batch.table.name === 'orders');
    const lines = batches.find((batch) => batch.table.name === 'orders__lines');
    expect(root?.rows.map((row) => [row.id, row.status])).toEqual([
      [8, 'other'],
      [7, 'new'],
    ]);
    expect(lines?.rows.map((row) => row.sku)).toEqual(['z']);
  });
});
