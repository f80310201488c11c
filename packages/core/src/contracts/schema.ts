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

/**
 * How a `merge` writes (dlt's `write_disposition: { disposition: 'merge', strategy }`):
 * - `upsert` (default): insert new keys, update existing ones in place.
 * - `delete-insert`: delete every stored row with a key of the batch (primary key, or `merge_key`), then insert.
 * - `scd2`: keep history; a changed row closes its old version and opens a new one (see `Scd2Settings`).
 */
export type MergeStrategy = 'upsert' | 'delete-insert' | 'scd2';

/** Settings of the `scd2` merge strategy (dlt's option names in comments). */
export interface Scd2Settings {
  /** Column holding when a version became valid (`validity_column_names[0]`). @default _restsync_valid_from */
  validFrom: string;
  /** Column holding when a version stopped being valid (`validity_column_names[1]`); null or `activeRecordTimestamp` while active. @default _restsync_valid_to */
  validTo: string;
  /** The `validTo` value of active versions (`active_record_timestamp`); null keeps it NULL. @default null */
  activeRecordTimestamp: string | null;
  /** The time used for `validFrom`/`validTo` of this run's changes (`boundary_timestamp`); default: the load's start. */
  boundaryTimestamp?: string;
  /** A column of the record that identifies a version (`row_version_column_name`); default: a hash of the row. */
  rowVersionColumn?: string;
}

export interface ColumnSchema {
  /** Normalized, destination-safe identifier (snake_case, ≤ 63 bytes). */
  name: string;
  type: ColumnType;
  /** The field path in the source record this column came from, e.g. `nested.userId`. */
  originalName?: string;
  nullable: boolean;
  /** Precision of a hinted `decimal` (digits) or `timestamp` (fractional second digits). */
  precision?: number;
  /** Scale of a hinted `decimal`. */
  scale?: number;
  /** The type comes from a `columns` hint, not inference: a value that does not fit goes to a variant column. */
  hinted?: boolean;
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
  /** How a `merge` table writes. @default 'upsert' */
  mergeStrategy?: MergeStrategy;
  /** Normalized `merge_key` columns: `delete-insert` deletes stored rows with these values (instead of the primary key). */
  mergeKey?: string[];
  /** Normalized column flagged `hard_delete`: a row whose value is true (or not null) is deleted, or retired under `scd2`. */
  hardDelete?: string;
  /** Present when `mergeStrategy` is `scd2`. */
  scd2?: Scd2Settings;
  /**
   * How a root row's `_restsync_id` is made from a primary key of one scalar value. `key`: the
   * value as text (`42`, `"abc"`), with no hash to compute; set on every root table created since
   * 0.17. Absent (tables created before): a hash of the resource name and the key, so their stored
   * ids stay as they are. A key of several fields is hashed either way.
   */
  rowIds?: 'key';
}

/**
 * What a schema contract does when a record needs a change of its kind (dlt's `schema_contract` modes):
 * - `evolve`: make the change (new table, new column, or a variant column / widened type).
 * - `freeze`: fail the run with a `SchemaError` before the batch holding the record is written.
 * - `discard_row`: drop the row (a child row alone: its parent row is kept).
 * - `discard_value`: drop the value only (for `tables`: the same as `discard_row`).
 */
export type ContractMode = 'evolve' | 'freeze' | 'discard_row' | 'discard_value';

/** A resource's schema contract (`schema_contract`), per kind of change. */
export interface SchemaContract {
  /** A table that is not in the stored schema (a root or a child table). */
  tables: ContractMode;
  /** A new column on a table of the stored schema. */
  columns: ContractMode;
  /** A value whose type its column does not hold (a variant column, or a widened type). */
  dataType: ContractMode;
}

/** A column hint (dlt's `columns`), for a column of a resource's root table. */
export interface ColumnHint {
  /** The column, as written: matched against the normalized column name (`userId` and `user_id` both name `user_id`). */
  name: string;
  /** The column's type: it wins over inference; a value that does not fit goes to a variant column. */
  dataType?: ColumnType;
  /** @default true (false for primary and merge key columns) */
  nullable?: boolean;
  /** Part of the primary key (added to the resource's `primaryKey`). */
  primaryKey?: boolean;
  /** Part of the merge key (added to the resource's `mergeKey`). */
  mergeKey?: boolean;
  /** Rows whose value is true (or, for other types, not null) are deleted by `merge`. */
  hardDelete?: boolean;
  /** `decimal`: total digits; `timestamp`: fractional second digits (0-6). */
  precision?: number;
  /** `decimal`: digits after the point. */
  scale?: number;
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
