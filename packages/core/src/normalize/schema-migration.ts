import type { ColumnType, Schema } from '../contracts/schema';

/** Column type names of schemas stored by restsync 0.x, and the neutral type each one became. */
const legacyColumnTypes: Readonly<Record<string, ColumnType>> = {
  boolean: 'bool',
  timestamptz: 'timestamp',
  jsonb: 'json',
};

/**
 * The suffix of a variant column holding values of `type`: `<column>__v_<suffix>`. It keeps the
 * names restsync 0.x gave (`__v_boolean`, `__v_timestamptz`, `__v_jsonb`), so variant columns of
 * existing data stay the same columns.
 */
export const variantSuffixes: Readonly<Record<ColumnType, string>> = {
  bigint: 'bigint',
  double: 'double',
  bool: 'boolean',
  text: 'text',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
  decimal: 'decimal',
};

/**
 * A stored schema with every column type in the current, database-neutral names: schemas stored
 * by restsync 0.x name types `boolean`, `timestamptz` and `jsonb` (now `bool`, `timestamp`, `json`).
 * Returns the schema itself when nothing needs migrating; never mutates it.
 */
export function migrateSchema(schema: Schema): Schema;
export function migrateSchema(schema: Schema | undefined): Schema | undefined;
export function migrateSchema(schema: Schema | undefined): Schema | undefined {
  if (schema === undefined) return undefined;
  const legacy = (type: string) => Object.hasOwn(legacyColumnTypes, type);
  if (!schema.tables.some((table) => table.columns.some((column) => legacy(column.type)))) return schema;
  return {
    ...schema,
    tables: schema.tables.map((table) => ({
      ...table,
      columns: table.columns.map((column) =>
        legacy(column.type) ? { ...column, type: legacyColumnTypes[column.type] as ColumnType } : column,
      ),
    })),
  };
}
