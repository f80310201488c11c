import { describe, expect, it } from 'vitest';
import type { Schema } from '../contracts/schema';
import { createNormalizer } from './normalizer';
import { migrateSchema } from './schema-migration';

/** A schema as restsync 0.x stored it: type names `boolean`, `timestamptz`, `jsonb`. */
function legacySchema(): Schema {
  return JSON.parse(
    JSON.stringify({
      version: 3,
      tables: [
        {
          name: 'users',
          resource: 'users',
          columns: [
            { name: 'id', type: 'bigint', originalName: 'id', nullable: false },
            { name: 'flag', type: 'bigint', originalName: 'flag', nullable: true },
            { name: 'seen', type: 'timestamptz', originalName: 'seen', nullable: true },
            { name: 'payload', type: 'jsonb', originalName: 'payload', nullable: true },
            { name: '_restsync_load_id', type: 'text', nullable: false },
            { name: '_restsync_id', type: 'text', nullable: false },
            { name: 'flag__v_boolean', type: 'boolean', originalName: 'flag', nullable: true },
          ],
          primaryKey: ['id'],
          writeDisposition: 'merge',
        },
      ],
    }),
  ) as Schema;
}

describe('migrateSchema', () => {
  it('should rename the column types of a 0.x schema to the neutral names', () => {
    const types = migrateSchema(legacySchema()).tables[0]!.columns.map((column) => column.type);
    expect(types).toEqual(['bigint', 'bigint', 'timestamp', 'json', 'text', 'text', 'bool']);
  });

  it('should return a current schema unchanged and leave its input alone', () => {
    const legacy = legacySchema();
    const migrated = migrateSchema(legacy);
    expect(migrateSchema(migrated)).toBe(migrated);
    expect(legacy.tables[0]!.columns[2]!.type).toBe('timestamptz');
    expect(migrateSchema(undefined)).toBeUndefined();
  });

  it('should let a run on a 0.x schema keep writing to the same columns and variant columns', () => {
    const normalizer = createNormalizer({
      resources: [{ name: 'users', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' }],
      schema: legacySchema(),
      nesting: 'flatten',
    });
    const [users] = normalizer.normalize(
      'users',
      [{ id: 1, flag: true, seen: '2024-01-02T03:04:05Z', payload: 'text now' }],
      'load-2',
    );
    expect(users!.rows[0]).toMatchObject({ flag: null, flag__v_boolean: true, seen: '2024-01-02T03:04:05Z' });
    // Only the new variant for the text payload is added; everything else existed in 0.x.
    expect(normalizer.takeChanges()).toEqual([
      { table: 'users', created: false, addedColumns: ['payload__v_text'], widenedColumns: [] },
    ]);
    expect(normalizer.schema().tables[0]!.columns.map((column) => column.type)).toContain('bool');
  });
});
