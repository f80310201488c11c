import { describe, expect, it } from 'vitest';
import type { Schema } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { createNormalizer } from './normalizer';

const users: ResourceInfo = {
  name: 'users',
  primaryKey: ['id'],
  writeDisposition: 'merge',
  nested: 'flatten',
};

function fresh(schema?: Schema, resources: ResourceInfo[] = [users]) {
  return createNormalizer({ resources, nesting: 'flatten', ...(schema ? { schema } : {}) });
}

/** What a destination stores and reads back. */
function roundTrip(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema)) as Schema;
}

function columnNames(schema: Schema, table: string): string[] {
  return schema.tables.find((entry) => entry.name === table)!.columns.map((column) => column.name);
}

describe('schema evolution', () => {
  it('should append new fields as nullable columns and bump the version once per changing call', () => {
    const normalizer = fresh();
    expect(normalizer.schema()).toEqual({ version: 0, tables: [] });
    normalizer.normalize(
      'users',
      [
        { id: 1, name: 'a' },
        { id: 2, name: 'b', email: 'b@x' },
      ],
      'load-1',
    );
    expect(normalizer.schema().version).toBe(1);
    expect(normalizer.takeChanges()).toEqual([
      {
        table: 'users',
        created: true,
        addedColumns: ['id', 'name', '_restsync_load_id', '_restsync_id', 'email'],
        widenedColumns: [],
      },
    ]);

    normalizer.normalize('users', [{ id: 3, name: 'c' }], 'load-1');
    expect(normalizer.schema().version).toBe(1);
    expect(normalizer.takeChanges()).toEqual([]);

    const [batch] = normalizer.normalize('users', [{ id: 4, age: 30 }], 'load-1');
    expect(normalizer.schema().version).toBe(2);
    expect(batch!.table.columns.at(-1)).toEqual({
      name: 'age',
      type: 'bigint',
      originalName: 'age',
      nullable: true,
    });
    expect(normalizer.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: ['age'], widenedColumns: [] },
    ]);
  });

  it('should never drop a column when later records lack the field', () => {
    const normalizer = fresh();
    normalizer.normalize('users', [{ id: 1, legacy: 'x' }], 'load-1');
    const [batch] = normalizer.normalize('users', [{ id: 2 }], 'load-1');
    expect(batch!.table.columns.map((column) => column.name)).toContain('legacy');
  });

  it('should report a new child table as created', () => {
    const normalizer = fresh();
    normalizer.normalize('users', [{ id: 1 }], 'load-1');
    normalizer.takeChanges();
    normalizer.normalize('users', [{ id: 2, tags: ['a'] }], 'load-1');
    expect(normalizer.takeChanges()).toEqual([
      {
        table: 'users__tags',
        created: true,
        addedColumns: [
          'value',
          '_restsync_load_id',
          '_restsync_id',
          '_restsync_parent_id',
          '_restsync_root_id',
          '_restsync_list_idx',
        ],
        widenedColumns: [],
      },
    ]);
  });

  it('should keep a table schema handed out earlier unchanged when the table grows', () => {
    const normalizer = fresh();
    const [first] = normalizer.normalize('users', [{ id: 1 }], 'load-1');
    normalizer.normalize('users', [{ id: 2, added: true }], 'load-1');
    expect(first!.table.columns.map((column) => column.name)).not.toContain('added');
    expect(normalizer.table('users')!.columns.map((column) => column.name)).toContain('added');
    expect(normalizer.table('missing')).toBeUndefined();
  });

  it('should map the same source fields to the same columns when a new run starts from the stored schema', () => {
    const long = `${'segment_'.repeat(9)}end`;
    const first = fresh();
    const [firstBatch] = first.normalize(
      'users',
      [
        { id: 1, userId: 'camel', user_id: 'snake', value: 1, [long]: 'x', nested: { innerId: 3 } },
        { id: 2, value: 'text' },
      ],
      'load-1',
    );
    const stored = roundTrip(first.schema());

    const second = fresh(stored);
    // Key order reversed, so a name-first-seen rule alone would swap the collided columns.
    const [secondBatch] = second.normalize(
      'users',
      [
        {
          [long]: 'y',
          value: 'more text',
          user_id: 'snake 2',
          userId: 'camel 2',
          nested: { innerId: 4 },
          id: 1,
        },
      ],
      'load-2',
    );
    const longName = firstBatch!.table.columns.find((column) => column.originalName === long)!.name;
    expect(secondBatch!.rows[0]).toMatchObject({
      user_id: 'camel 2',
      user_id_2: 'snake 2',
      value: null,
      value__v_text: 'more text',
      nested__inner_id: 4,
      [longName]: 'y',
    });
    expect(secondBatch!.rows[0]!._restsync_id).toBe(firstBatch!.rows[0]!._restsync_id);
    expect(second.takeChanges()).toEqual([]);
    expect(second.schema()).toEqual(stored);
  });

  it('should continue the stored version and append columns after the stored ones', () => {
    const first = fresh();
    first.normalize('users', [{ id: 1, name: 'a' }], 'load-1');
    const stored = roundTrip(first.schema());
    expect(stored.version).toBe(1);

    const second = fresh(stored);
    second.normalize('users', [{ id: 2, name: 'b', city: 'Oslo' }], 'load-2');
    second.normalize('users', [{ id: 3, zip: '0150' }], 'load-2');
    const schema = second.schema();
    expect(schema.version).toBe(3);
    expect(columnNames(schema, 'users')).toEqual([
      'id',
      'name',
      '_restsync_load_id',
      '_restsync_id',
      'city',
      'zip',
    ]);
    expect(second.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: ['city', 'zip'], widenedColumns: [] },
    ]);
  });

  it('should not modify the stored schema object it starts from', () => {
    const first = fresh();
    first.normalize('users', [{ id: 1 }], 'load-1');
    const stored = roundTrip(first.schema());
    const copy = roundTrip(stored);
    fresh(stored).normalize('users', [{ id: 2, extra: 1 }], 'load-2');
    expect(stored).toEqual(copy);
  });

  it('should widen a stored bigint column and report it', () => {
    const first = fresh();
    first.normalize('users', [{ id: 1, score: 1 }], 'load-1');
    const second = fresh(roundTrip(first.schema()));
    second.normalize('users', [{ id: 2, score: 1.5 }], 'load-2');
    expect(second.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: [], widenedColumns: ['score'] },
    ]);
    expect(second.table('users')!.columns.find((column) => column.name === 'score')!.type).toBe('double');
  });

  it('should reuse stored child tables and keep colliding child tables on their fields', () => {
    const first = fresh();
    first.normalize('users', [{ id: 1, userTags: ['camel'], user_tags: ['snake'] }], 'load-1');
    const stored = roundTrip(first.schema());
    expect(stored.tables.map((table) => table.name)).toEqual([
      'users',
      'users__user_tags',
      'users__user_tags_2',
    ]);

    const second = fresh(stored);
    const batches = second.normalize(
      'users',
      [{ id: 2, userTags: ['camel 2'], user_tags: ['snake 2'] }],
      'load-2',
    );
    expect(batches.map((batch) => [batch.table.name, batch.rows[0]!.value])).toEqual([
      ['users', undefined],
      ['users__user_tags', 'camel 2'],
      ['users__user_tags_2', 'snake 2'],
    ]);
    expect(second.takeChanges()).toEqual([]);
  });

  it('should give resources whose names collide distinct tables, and find them again from the stored schema', () => {
    const resources: ResourceInfo[] = [
      { ...users, name: 'user-events' },
      { ...users, name: 'user_events' },
    ];
    const first = fresh(undefined, resources);
    first.normalize('user_events', [{ id: 1 }], 'load-1');
    first.normalize('user-events', [{ id: 1 }], 'load-1');
    expect(first.schema().tables.map((table) => [table.name, table.resource])).toEqual([
      ['user_events', 'user_events'],
      ['user_events_2', 'user-events'],
    ]);

    const second = fresh(roundTrip(first.schema()), resources);
    expect(second.normalize('user-events', [{ id: 2 }], 'load-2')[0]!.table.name).toBe('user_events_2');
  });

  it('should update a stored table when the resource changes its write disposition', () => {
    const first = fresh();
    first.normalize('users', [{ id: 1 }], 'load-1');
    const second = fresh(roundTrip(first.schema()), [{ ...users, writeDisposition: 'replace' }]);
    const [batch] = second.normalize('users', [{ id: 2 }], 'load-2');
    expect(batch!.table.writeDisposition).toBe('replace');
    expect(second.schema().version).toBe(2);
    expect(second.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: [], widenedColumns: [] },
    ]);
  });
});
