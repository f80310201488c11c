import { type ColumnSchema, type ColumnType, DestinationError } from '@restsync/core';
import { fitIdentifier, qualifiedName, quoteIdentifier } from './identifier';
import type { SqlExecutor } from './sql-client';

/** The Postgres type of each column type. */
export const sqlTypes: Record<ColumnType, string> = {
  bigint: 'bigint',
  double: 'double precision',
  bool: 'boolean',
  text: 'text',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
  decimal: 'numeric',
};

/**
 * The Postgres type of a column: its type's, with a hinted precision (`numeric(12,2)`,
 * `timestamptz(3)`), and NOT NULL for a hinted column that is not nullable.
 */
export function columnDefinition(column: ColumnSchema): string {
  let type = sqlTypes[column.type];
  if (column.precision !== undefined && column.type === 'decimal') {
    type = `numeric(${column.precision},${column.scale ?? 0})`;
  } else if (column.precision !== undefined && column.type === 'timestamp') {
    type = `timestamptz(${Math.min(column.precision, 6)})`;
  }
  return column.hinted === true && !column.nullable ? `${type} NOT NULL` : type;
}

/** `format_type()` output without its modifiers (`numeric(12,2)` → `numeric`) → column type. */
const columnTypesByName: Record<string, ColumnType> = {
  bigint: 'bigint',
  'double precision': 'double',
  boolean: 'bool',
  text: 'text',
  'timestamp with time zone': 'timestamp',
  date: 'date',
  jsonb: 'json',
  numeric: 'decimal',
};

/** A table as it exists in the database. */
export interface LiveTable {
  /** Column name → type as `format_type()` prints it. */
  columns: Map<string, string>;
  /** Column lists of the primary key and unique indexes. */
  uniqueKeys: string[][];
}

/** Every table of a dataset (Postgres schema), by name. */
export type LiveCatalog = Map<string, LiveTable>;

/** Reads the columns and unique keys of every table in `dataset` (two catalog queries). */
export async function readCatalog(executor: SqlExecutor, dataset: string): Promise<LiveCatalog> {
  const columns = await executor.query<{ table_name: string; column_name: string; column_type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type
     FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [dataset],
  );
  const keys = await executor.query<{ table_name: string; key_columns: string[] }>(
    `SELECT c.relname AS table_name,
       (SELECT json_agg(a.attname ORDER BY k.position)
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS key_columns
     FROM pg_catalog.pg_index i
     JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [dataset],
  );
  const catalog: LiveCatalog = new Map();
  for (const column of columns) {
    let table = catalog.get(column.table_name);
    if (!table) {
      table = { columns: new Map(), uniqueKeys: [] };
      catalog.set(column.table_name, table);
    }
    table.columns.set(column.column_name, column.column_type);
  }
  for (const key of keys) {
    if (key.key_columns) catalog.get(key.table_name)?.uniqueKeys.push(key.key_columns);
  }
  return catalog;
}

/** The physical table to create or evolve. */
export interface TableLayout {
  /** Physical table name (the table itself, or its replace staging table). */
  name: string;
  columns: readonly ColumnSchema[];
  /** Columns that must carry a unique key (merge tables: the primary key). */
  uniqueKey?: readonly string[];
  /** Index `_restsync_root_id` so merge can delete the descendants of updated rows quickly. */
  indexRootId?: boolean;
  /** The table's fill factor when it is created (10-100); undefined: Postgres's 100. */
  fillfactor?: number;
}

function sameColumns(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && [...left].sort().join('\u0000') === [...right].sort().join('\u0000');
}

/**
 * The DDL that brings a table in line with its layout: CREATE TABLE when missing; ADD COLUMN for
 * new columns; ALTER COLUMN TYPE double precision or numeric to widen bigint; a unique index when a merge
 * key is missing. Throws a DestinationError for a type change that cannot be applied safely.
 */
export function planTableChanges(
  dataset: string,
  layout: TableLayout,
  live: LiveTable | undefined,
): string[] {
  const table = qualifiedName(dataset, layout.name);
  const statements: string[] = [];
  const hasRootId = layout.columns.some((column) => column.name === '_restsync_root_id');
  if (!live) {
    const definitions = layout.columns.map(
      (column) => `${quoteIdentifier(column.name)} ${columnDefinition(column)}`,
    );
    if (layout.uniqueKey && layout.uniqueKey.length > 0) {
      definitions.push(`PRIMARY KEY (${layout.uniqueKey.map(quoteIdentifier).join(', ')})`);
    }
    const storage = layout.fillfactor === undefined ? '' : ` WITH (fillfactor = ${layout.fillfactor})`;
    statements.push(`CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')})${storage}`);
    if (layout.indexRootId && hasRootId) {
      const index = quoteIdentifier(fitIdentifier(`${layout.name}__restsync_root_idx`));
      statements.push(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} ("_restsync_root_id")`);
    }
    return statements;
  }
  const alterations: string[] = [];
  for (const column of layout.columns) {
    const liveType = live.columns.get(column.name);
    const name = quoteIdentifier(column.name);
    if (liveType === undefined) {
      // A column added to a table that may hold rows is nullable, whatever its hint says.
      alterations.push(`ADD COLUMN IF NOT EXISTS ${name} ${columnDefinition({ ...column, nullable: true })}`);
      continue;
    }
    const current = columnTypesByName[liveType.replace(/\(\d+(?:,\d+)?\)/, '')];
    if (current === undefined || current === column.type || current === 'text') continue;
    if ((current === 'double' || current === 'decimal') && column.type === 'bigint') continue;
    if (current === 'bigint' && (column.type === 'double' || column.type === 'decimal')) {
      alterations.push(`ALTER COLUMN ${name} TYPE ${sqlTypes[column.type]}`);
      continue;
    }
    throw new DestinationError(
      `Column ${name} of table ${table} is ${liveType} in the database, but the rows now have type ` +
        `${sqlTypes[column.type]}. Only bigint → double precision or numeric is widened automatically; alter or drop the ` +
        'column yourself, then rerun.',
      { table: layout.name },
    );
  }
  if (alterations.length > 0) statements.push(`ALTER TABLE ${table} ${alterations.join(', ')}`);
  const key = layout.uniqueKey;
  if (key && key.length > 0 && !live.uniqueKeys.some((existing) => sameColumns(existing, key))) {
    const index = quoteIdentifier(fitIdentifier(`${layout.name}__restsync_key`));
    statements.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${index} ON ${table} (${key.map(quoteIdentifier).join(', ')})`,
    );
  }
  return statements;
}
