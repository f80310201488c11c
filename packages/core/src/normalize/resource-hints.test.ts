import { describe, expect, it } from 'vitest';
import type { TableBatch } from '../contracts/destination';
import type { Schema } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import { createNormalizer } from './normalizer';

function resource(overrides: Partial<ResourceInfo> = {}): ResourceInfo {
  return { name: 'users', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten', ...overrides };
}

function normalizerOf(overrides: Partial<ResourceInfo> = {}, schema?: Schema) {
  const warnings: { resource: string; code: string; message: string }[] = [];
  const normalizer = createNormalizer({
    resources: [resource(overrides)],
    nesting: 'flatten',
    ...(schema === undefined ? {} : { schema }),
    onWarning: (warning) => warnings.push(warning),
  });
  return { normalizer, warnings };
}

function batchOf(batches: TableBatch[], table: string): TableBatch {
  const batch = batches.find((entry) => entry.table.name === table);
  if (batch === undefined)
    throw new Error(`no batch for table ${table} (${batches.map((entry) => entry.table.name)})`);
  return batch;
}

function column(batch: TableBatch, name: string) {
  return batch.table.columns.find((entry) => entry.name === name);
}

/** The schema after one normalize() call of `records` (the "stored" schema of a second run). */
function storedAfter(overrides: Partial<ResourceInfo>, records: Record<string, unknown>[]): Schema {
  const { normalizer } = normalizerOf(overrides);
  normalizer.normalize('users', records, 'load-1');
  return normalizer.schema();
}

describe('normalize with table_name', () => {
  it('should load into the hinted table, with child tables named after it, and keep the resource on each', () => {
    const { normalizer } = normalizerOf({ tableName: 'People' });
    const batches = normalizer.normalize('users', [{ id: 1, tags: ['a'] }], 'load-1');
    expect(batches.map((batch) => [batch.table.name, batch.table.resource])).toEqual([
      ['people', 'users'],
      ['people__tags', 'users'],
    ]);
  });

  it('should reuse the stored table of the hinted name in the next run', () => {
    const stored = storedAfter({ tableName: 'people' }, [{ id: 1 }]);
    const { normalizer } = normalizerOf({ tableName: 'people' }, stored);
    normalizer.normalize('users', [{ id: 2 }], 'load-2');
    expect(normalizer.schema().tables.map((table) => table.name)).toEqual(['people']);
  });
});

describe('normalize with column hints', () => {
  it('should type a column by its hint, not by inference, with precision and scale', () => {
    const { normalizer } = normalizerOf({
      columns: [
        { name: 'price', dataType: 'decimal', precision: 10, scale: 2 },
        { name: 'code', dataType: 'text' },
        { name: 'seen_at', dataType: 'timestamp', precision: 3 },
      ],
    });
    const [users] = normalizer.normalize(
      'users',
      [{ id: 1, price: 12.5, code: 42, seen_at: 1700000000 }],
      'l',
    );
    expect(column(users!, 'price')).toMatchObject({ type: 'decimal', precision: 10, scale: 2, hinted: true });
    expect(column(users!, 'seen_at')).toMatchObject({ type: 'timestamp', precision: 3, hinted: true });
    expect(users!.rows[0]).toMatchObject({ price: 12.5, code: '42', seen_at: '2023-11-14T22:13:20.000Z' });
  });

  it('should create a hinted column no record has, and honour nullable: false', () => {
    const { normalizer } = normalizerOf({
      columns: [
        { name: 'deletedAt', dataType: 'date' },
        { name: 'name', dataType: 'text', nullable: false },
      ],
    });
    const [users] = normalizer.normalize('users', [{ id: 1, name: 'a' }], 'l');
    expect(column(users!, 'deleted_at')).toMatchObject({ type: 'date', nullable: true, hinted: true });
    expect(column(users!, 'name')).toMatchObject({ type: 'text', nullable: false, hinted: true });
  });

  // dlt fails in normalize on a null in a column that is not nullable; the database would only fail at load.
  it('should refuse a record without a value, or with one that does not fit, for a hinted NOT NULL column', () => {
    const { normalizer } = normalizerOf({ columns: [{ name: 'day', dataType: 'date', nullable: false }] });
    expect(() => normalizer.normalize('users', [{ id: 1, day: '2024-01-01' }, { id: 2 }], 'l')).toThrow(
      /record at index 1 has no date value for column "day" of table "users"/,
    );
    expect(() => normalizer.normalize('users', [{ id: 3, day: 'soon' }], 'l')).toThrow(SchemaError);
  });

  it('should match a hint to a field by its normalized name, and a nested column by parent__child', () => {
    const { normalizer } = normalizerOf({
      columns: [
        { name: 'user_id', dataType: 'text' },
        { name: 'address__zipCode', dataType: 'text' },
      ],
    });
    const [users] = normalizer.normalize('users', [{ id: 1, userId: 7, address: { zipCode: 1234 } }], 'l');
    expect(users!.rows[0]).toMatchObject({ user_id: '7', address__zip_code: '1234' });
    expect(users!.table.columns.filter((entry) => entry.name.startsWith('user_id'))).toHaveLength(1);
    expect(column(users!, 'user_id')?.originalName).toBe('userId');
  });

  it('should find a hinted column again in the next run, whether a record had its field or not', () => {
    const hints: Partial<ResourceInfo> = {
      columns: [
        { name: 'user_id', dataType: 'text' },
        { name: 'deleted_at', dataType: 'timestamp' },
      ],
    };
    const stored = storedAfter(hints, [{ id: 1, userId: 5 }]);
    const { normalizer } = normalizerOf(hints, stored);
    const [users] = normalizer.normalize(
      'users',
      [{ id: 2, userId: 6, deletedAt: '2024-01-01T00:00:00Z' }],
      'l',
    );
    expect(users!.table.columns.map((entry) => entry.name).filter((name) => !name.startsWith('_'))).toEqual([
      'user_id',
      'deleted_at',
      'id',
    ]);
    expect(users!.rows[0]).toMatchObject({ user_id: '6', deleted_at: '2024-01-01T00:00:00Z' });
  });

  it('should keep a value that does not fit its hinted type in a variant column and warn once, naming the column', () => {
    const { normalizer, warnings } = normalizerOf({ columns: [{ name: 'age', dataType: 'bigint' }] });
    const [users] = normalizer.normalize(
      'users',
      [
        { id: 1, age: '41' },
        { id: 2, age: 'unknown' },
        { id: 3, age: 'n/a' },
      ],
      'l',
    );
    expect(users!.rows.map((row) => [row.age, row.age__v_text])).toEqual([
      [41, undefined],
      [null, 'unknown'],
      [null, 'n/a'],
    ]);
    expect(column(users!, 'age')?.type).toBe('bigint');
    expect(warnings).toEqual([expect.objectContaining({ resource: 'users', code: 'hinted_type_mismatch' })]);
    expect(warnings[0]!.message).toContain('"age"');
    expect(warnings[0]!.message).toContain('age__v_text');
  });

  it('should never widen a hinted column: a fraction in a bigint column goes to a variant', () => {
    const { normalizer } = normalizerOf({ columns: [{ name: 'count', dataType: 'bigint' }] });
    const [users] = normalizer.normalize('users', [{ id: 1, count: 1.5 }], 'l');
    expect(column(users!, 'count')?.type).toBe('bigint');
    expect(users!.rows[0]).toMatchObject({ count: null, count__v_double: 1.5 });
  });

  it('should put a decimal with more integer digits than precision - scale into a variant', () => {
    const { normalizer } = normalizerOf({
      columns: [{ name: 'amount', dataType: 'decimal', precision: 4, scale: 2 }],
    });
    const [users] = normalizer.normalize(
      'users',
      [
        { id: 1, amount: 12.345 },
        { id: 2, amount: 123.4 },
      ],
      'l',
    );
    expect(users!.rows.map((row) => [row.amount, row.amount__v_double])).toEqual([
      [12.345, undefined],
      [null, 123.4],
    ]);
  });

  it('should keep an object hinted json as one value instead of flattening it', () => {
    const { normalizer } = normalizerOf({ columns: [{ name: 'meta', dataType: 'json' }] });
    const batches = normalizer.normalize('users', [{ id: 1, meta: { a: { b: 1 }, list: [1, 2] } }], 'l');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.rows[0]!.meta).toEqual({ a: { b: 1 }, list: [1, 2] });
  });

  it('should record the merge key and hard-delete columns on the table, normalized', () => {
    const { normalizer } = normalizerOf({
      primaryKey: [],
      mergeKey: ['tenantId'],
      columns: [{ name: 'isDeleted', dataType: 'bool', hardDelete: true }],
    });
    const [users] = normalizer.normalize('users', [{ tenantId: 'a', isDeleted: false }], 'l');
    expect(users!.table.mergeKey).toEqual(['tenant_id']);
    expect(users!.table.hardDelete).toBe('is_deleted');
    expect(column(users!, 'tenant_id')?.nullable).toBe(false);
  });

  // dlt fails in normalize on a null merge key, before anything is loaded.
  it('should refuse a record without its merge key', () => {
    const { normalizer } = normalizerOf({ primaryKey: [], mergeKey: ['tenant'] });
    expect(() => normalizer.normalize('users', [{ tenant: 'a' }, { tenant: null }], 'l')).toThrow(
      /record at index 1 has no value for merge key field "tenant"/,
    );
  });
});

describe('normalize with max_table_nesting', () => {
  const record = { id: 1, address: { city: 'X', geo: { lat: 1 } }, tags: [{ name: 'a', parts: [1, 2] }] };

  it('should keep all nested data as json on the root table at 0', () => {
    const { normalizer } = normalizerOf({ maxTableNesting: 0 });
    const batches = normalizer.normalize('users', [record], 'l');
    expect(batches.map((batch) => batch.table.name)).toEqual(['users']);
    expect(batches[0]!.rows[0]).toMatchObject({ address: record.address, tags: record.tags });
    expect(column(batches[0]!, 'tags')?.type).toBe('json');
  });

  it('should make one level of columns and child tables at 1, and keep deeper data as json', () => {
    const { normalizer } = normalizerOf({ maxTableNesting: 1 });
    const batches = normalizer.normalize('users', [record], 'l');
    expect(batches.map((batch) => batch.table.name)).toEqual(['users', 'users__tags']);
    expect(batches[0]!.rows[0]).toMatchObject({ address__city: 'X', address__geo: { lat: 1 } });
    expect(batchOf(batches, 'users__tags').rows[0]).toMatchObject({ name: 'a', parts: [1, 2] });
  });

  it('should make child tables of child tables without a limit', () => {
    const { normalizer } = normalizerOf();
    const batches = normalizer.normalize('users', [record], 'l');
    expect(batches.map((batch) => batch.table.name)).toEqual(['users', 'users__tags', 'users__tags__parts']);
  });
});

describe('normalize with schema_contract', () => {
  const first = [{ id: 1, name: 'a', tags: ['x'] }];
  const freeze = { tables: 'freeze', columns: 'freeze', dataType: 'freeze' } as const;

  it('should refuse a new table under tables: freeze, naming it', () => {
    const { normalizer } = normalizerOf({
      schemaContract: { ...freeze, columns: 'evolve', dataType: 'evolve' },
    });
    expect(() => normalizer.normalize('users', first, 'l')).toThrow(SchemaError);
    expect(() => normalizer.normalize('users', first, 'l')).toThrow(/tables is freeze.*table "users"/);
  });

  it('should refuse a new column of a stored table under columns: freeze, naming table, column and field path', () => {
    const stored = storedAfter({}, first);
    const { normalizer } = normalizerOf({ schemaContract: freeze }, stored);
    expect(() =>
      normalizer.normalize(
        'users',
        [
          { id: 2, name: 'b' },
          { id: 3, name: 'c', email: 'c@x' },
        ],
        'l',
      ),
    ).toThrow(
      /columns is freeze, and the record at index 1 needs a new column: table "users", column "email", field "email"/,
    );
  });

  it('should name the path through arrays for a new column of a child table', () => {
    const stored = storedAfter({}, [{ id: 1, items: [{ sku: 'a' }] }]);
    const { normalizer } = normalizerOf({ schemaContract: freeze }, stored);
    expect(() =>
      normalizer.normalize('users', [{ id: 2, items: [{ sku: 'b' }, { sku: 'c', qty: 2 }] }], 'l'),
    ).toThrow(/table "users__items", column "qty", field "items\[1\]\.qty"/);
  });

  it('should refuse a variant under data_type: freeze', () => {
    const stored = storedAfter({}, first);
    const { normalizer } = normalizerOf({ schemaContract: freeze }, stored);
    expect(() => normalizer.normalize('users', [{ id: 2, name: 5 }], 'l')).toThrow(
      /data_type is freeze.*table "users", column "name", field "name"/,
    );
  });

  it('should accept records that need no change under freeze', () => {
    const stored = storedAfter({}, first);
    const { normalizer } = normalizerOf({ schemaContract: freeze }, stored);
    const batches = normalizer.normalize('users', [{ id: 2, name: 'b', tags: ['y'] }], 'l');
    expect(batches.map((batch) => batch.rows.length)).toEqual([1, 1]);
  });

  it('should drop the rows that need a change under discard_row, with their child rows', () => {
    const stored = storedAfter({}, first);
    const contract = { tables: 'discard_row', columns: 'discard_row', dataType: 'discard_row' } as const;
    const { normalizer } = normalizerOf({ schemaContract: contract }, stored);
    const batches = normalizer.normalize(
      'users',
      [
        { id: 2, name: 'b', tags: ['y'] },
        { id: 3, name: 'c', email: 'new', tags: ['z'] },
        { id: 4, name: 4, tags: ['w'] },
      ],
      'l',
    );
    expect(batchOf(batches, 'users').rows.map((row) => row.id)).toEqual([2]);
    expect(batchOf(batches, 'users__tags').rows.map((row) => row.value)).toEqual(['y']);
    expect(batchOf(batches, 'users').table.columns.map((entry) => entry.name)).not.toContain('email');
  });

  it('should drop a child row alone when only it needs a change (discard_row works per table)', () => {
    const stored = storedAfter({}, [{ id: 1, items: [{ sku: 'a' }] }]);
    const contract = { tables: 'evolve', columns: 'discard_row', dataType: 'evolve' } as const;
    const { normalizer } = normalizerOf({ schemaContract: contract }, stored);
    const batches = normalizer.normalize(
      'users',
      [{ id: 2, items: [{ sku: 'b' }, { sku: 'c', qty: 2 }] }],
      'l',
    );
    expect(batchOf(batches, 'users').rows).toHaveLength(1);
    expect(batchOf(batches, 'users__items').rows.map((row) => row.sku)).toEqual(['b']);
  });

  it('should drop only the values that need a change under discard_value', () => {
    const stored = storedAfter({}, first);
    const contract = {
      tables: 'discard_value',
      columns: 'discard_value',
      dataType: 'discard_value',
    } as const;
    const { normalizer } = normalizerOf({ schemaContract: contract }, stored);
    const batches = normalizer.normalize('users', [{ id: 2, name: 7, email: 'e', list: [1] }], 'l');
    expect(batches.map((batch) => batch.table.name)).toEqual(['users']);
    expect(batches[0]!.rows[0]).toMatchObject({ id: 2 });
    expect(batches[0]!.rows[0]).not.toHaveProperty('email');
    expect(batches[0]!.rows[0]).not.toHaveProperty('name__v_bigint');
    expect(batches[0]!.table.columns.map((entry) => entry.name)).not.toContain('email');
  });

  it('should let a table created in this run evolve its columns (the contract applies to stored tables)', () => {
    const { normalizer } = normalizerOf({
      schemaContract: { tables: 'evolve', columns: 'freeze', dataType: 'evolve' },
    });
    normalizer.normalize('users', [{ id: 1 }], 'l');
    const [users] = normalizer.normalize('users', [{ id: 2, name: 'b' }], 'l');
    expect(users!.rows[0]).toMatchObject({ name: 'b' });
  });
});

describe('normalize (documents) with schema_contract', () => {
  it('should refuse a new top-level field of a stored collection under columns: freeze, and drop the record under discard_row', () => {
    const first = createNormalizer({ resources: [resource()], nesting: 'documents' });
    first.normalize('users', [{ id: 1, name: 'a' }], 'l');
    const stored = first.schema();
    const frozen = createNormalizer({
      resources: [resource({ schemaContract: { tables: 'evolve', columns: 'freeze', dataType: 'evolve' } })],
      nesting: 'documents',
      schema: stored,
    });
    expect(() => frozen.normalize('users', [{ id: 2, name: 'b', email: 'e' }], 'l')).toThrow(
      /columns is freeze, and the record at index 0 needs a new column: table "users", column "email"/,
    );
    const discarding = createNormalizer({
      resources: [
        resource({ schemaContract: { tables: 'evolve', columns: 'discard_row', dataType: 'evolve' } }),
      ],
      nesting: 'documents',
      schema: stored,
    });
    const [users] = discarding.normalize(
      'users',
      [
        { id: 2, name: 'b' },
        { id: 3, email: 'e' },
      ],
      'l',
    );
    expect(users!.rows.map((row) => row.id)).toEqual([2]);
  });
});

describe('normalize (documents) with hints', () => {
  it('should use the hinted type, convert values that fit and keep the others with a warning', () => {
    const warnings: string[] = [];
    const normalizer = createNormalizer({
      resources: [resource({ tableName: 'people', columns: [{ name: 'age', dataType: 'bigint' }] })],
      nesting: 'documents',
      onWarning: (warning) => warnings.push(warning.message),
    });
    const [people] = normalizer.normalize(
      'users',
      [
        { id: 1, age: '41' },
        { id: 2, age: 'old' },
      ],
      'l',
    );
    expect(people!.table.name).toBe('people');
    expect(people!.table.columns.find((entry) => entry.name === 'age')).toMatchObject({
      type: 'bigint',
      hinted: true,
    });
    expect(people!.rows.map((row) => row.age)).toEqual([41, 'old']);
    expect(warnings).toHaveLength(1);
  });
});
