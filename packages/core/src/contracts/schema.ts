/**
 * Database-neutral column types; each destination maps them to its own (Postgres: `bigint`,
 * `double precision`, `boolean`, `text`, `timestamptz`, `date`, `jsonb`, `numeric`).
 *
 * - `bigint`: a signed 64-bit integer.
 * - `double`: a 64-bit floating-point number.
 * - `bool`: `true` or `false`.
 * - `text`: a string.
 * - `timestamp`: an instant, from an ISO 8601 date-time string with a zone (stored with its zone, e.g. `timestamptz`).
 * - `date`: a calendar date (`YYYY-MM-DD`). Not inferred; for hints.
 * - `json`: any JSON value (objects and arrays), stored as a JSON document.
 * - `decimal`: an exact decimal number. Not inferred; for hints.
 *
 * Schemas stored by restsync 0.x used `boolean`, `timestamptz` and `jsonb`: `migrateSchema` reads them.
 */
export type ColumnType = 'bigint' | 'double' | 'bool' | 'text' | 'timestamp' | 'date' | 'json' | 'decimal';

/** Every column type, in declaration order. */
export const columnTypes: readonly ColumnType[] = [
  'bigint',
  'double',
  'bool',
  'text',
  'timestamp',
  'date',
  'json',
  'decimal',
];

export type WriteDisposition = 'append' | 'replace' | 'merge';

export interface ColumnSchema {
  /** Normalized, destination-safe identifier (snake_case, ≤ 63 bytes). */
  name: string;
  type: ColumnType;
  /** The field path in the source record this column came from, e.g. `nested.userId`. */
  originalName?: string;
  nullable: boolean;
}

export interface TableSchema {
  /** Normalized table name; child tables are `<parent>__<field>`. */
  name: string;
  /** The resource whose records fill this table. */
  resource: string;
  /** For a child table: the parent table's name. Rows link through `_restsync_parent_id`. */
  parent?: string;
  /** Ordered columns. */
  columns: ColumnSchema[];
  /** Normalized primary key columns (empty: none). Child tables use `_restsync_id`. */
  primaryKey: string[];
  writeDisposition: WriteDisposition;
}

/** The whole inferred schema of a dataset. Versioned: every change increments `version`. */
export interface Schema {
  version: number;
  tables: TableSchema[];
}

/** A normalized row: column name → value (number, string, boolean, null, or a JSON object/array for `json`). */
export type Row = Record<string, unknown>;

/** System column names the normalizer adds. */
export const systemColumns = {
  loadId: '_restsync_load_id',
  id: '_restsync_id',
  /** On child rows: the `_restsync_id` of the direct parent row. */
  parentId: '_restsync_parent_id',
  /** On child rows: the `_restsync_id` of the root (top-level) row, so merge can replace all descendants. */
  rootId: '_restsync_root_id',
  listIndex: '_restsync_list_idx',
} as const;
