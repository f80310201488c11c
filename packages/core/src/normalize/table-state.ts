import type { ColumnHint, ColumnSchema, ColumnType, Row, TableSchema } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import { fitIdentifier, normalizeSegment } from './identifier';
import type { SchemaTracker } from './schema-tracker';

/** Column names the normalizer writes itself; a source field never maps onto one of them. */
const reservedNames: readonly string[] = Object.values(systemColumns);

/**
 * One source field at one place in a table's rows (a top-level key, or a key inside a flattened
 * object). Cached per table, so a key seen before costs one Map lookup.
 */
export interface FieldNode {
  /** The key in the source object. */
  readonly key: string;
  /** The field path (`nested.userId`), stored as the columns' `originalName`. */
  readonly path: string;
  /** The normalized, not yet length-limited column name (`nested__user_id`). */
  readonly fullName: string;
  /** The column holding this field's values, created with the first non-null value. */
  column: ColumnSchema | undefined;
  /** Variant columns for values that conflict with `column`'s type, by their type. */
  variants: Map<ColumnType, ColumnSchema> | undefined;
  /** Fields of the object this field holds, flattened into `<fullName>__<key>` columns. */
  children: Map<string, FieldNode> | undefined;
  /** The child table this field's arrays become. */
  childTable: TableState | undefined;
}

interface StoredColumns {
  base: ColumnSchema;
  variants: Map<ColumnType, ColumnSchema> | undefined;
}

/**
 * Escapes `.` and `\` in a key so a field path is unambiguous (`a.b` key → `a\.b`), and a U+0000
 * as `\0`, so the path can be stored where U+0000 cannot (Postgres jsonb).
 */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\') || key.includes('\u0000')
    ? key.replace(/[\\.]/g, '\\$&').replaceAll('\u0000', '\\0')
    : key;
}

/** The normalized column name a hint names: each `__`-separated part normalized (`address__zipCode` → `address__zip_code`). */
export function hintKey(name: string): string {
  return name.split('__').map(normalizeSegment).join('__');
}

/** The mutable state of one table: its schema, column names in use, and the field → column cache. */
export class TableState {
  readonly schema: TableSchema;
  /** Top-level fields of the table's rows. */
  readonly fields = new Map<string, FieldNode>();
  /** Rows produced for this table by the current `normalize()` call. */
  rows: Row[] | undefined;
  /** Primary key fields resolved to their nodes (root tables), once the first record was seen. */
  primaryKeyNodes: FieldNode[] | undefined;
  /** Column hints of a root table, by normalized column name (`columns`). */
  hints: Map<string, ColumnHint> | undefined;
  /** Nesting level of the table's rows (`max_table_nesting`): 0 for a root table, deeper for child tables. */
  nestingLevel = 0;
  /** Hinted columns that are not nullable: a row without a value in one of them is a `SchemaError`. */
  requiredColumns: ColumnSchema[] = [];
  private readonly used = new Set<string>(reservedNames);
  private readonly stored = new Map<string, StoredColumns>();
  /** Hinted columns no field has claimed yet, by name: a field whose normalized name matches takes it. */
  private readonly hintedByName = new Map<string, ColumnSchema>();
  private hasSystemColumns: boolean;
  private cached: TableSchema | undefined;

  /**
   * @param existedBefore The table is in the stored schema: `schema_contract` applies to its
   *   new columns, and it is not a new table.
   */
  constructor(
    schema: TableSchema,
    private readonly tracker: SchemaTracker,
    private readonly maxLength: number,
    private readonly documents: boolean,
    readonly existedBefore = false,
  ) {
    this.schema = schema;
    this.hasSystemColumns = false;
    for (const column of schema.columns) {
      this.used.add(column.name);
      if (column.name === systemColumns.id) this.hasSystemColumns = true;
      if (column.hinted) this.hintedByName.set(column.name, column);
      if (column.originalName === undefined) continue;
      const entry = this.stored.get(column.originalName);
      if (entry === undefined) {
        this.stored.set(column.originalName, { base: column, variants: undefined });
      } else {
        entry.variants ??= new Map();
        entry.variants.set(column.type, column);
      }
    }
  }

  get name(): string {
    return this.schema.name;
  }

  /** Registers a field met for the first time under `parent` (or at the top level). */
  addField(group: Map<string, FieldNode>, parent: FieldNode | undefined, key: string): FieldNode {
    let path: string;
    let fullName: string;
    if (this.documents) {
      path = key;
      fullName = key;
    } else {
      const escaped = escapeKey(key);
      const segment = normalizeSegment(key);
      path = parent === undefined ? escaped : `${parent.path}.${escaped}`;
      fullName = parent === undefined ? segment : `${parent.fullName}__${segment}`;
    }
    const stored = this.stored.get(path) ?? this.claimHinted(fullName, path);
    const node: FieldNode = {
      key,
      path,
      fullName,
      column: stored?.base,
      variants: stored?.variants,
      children: undefined,
      childTable: undefined,
    };
    group.set(key, node);
    return node;
  }

  /**
   * Appends a nullable column. Its name is `fullName` length-limited; when that name is taken in
   * this table, the first free of `<fullName>_2`, `<fullName>_3`… (documents mode: `fullName` as is).
   */
  addColumn(fullName: string, type: ColumnType, originalName: string, nullable = true): ColumnSchema {
    let name = this.documents ? fullName : fitIdentifier(fullName, this.maxLength);
    for (let suffix = 2; !this.documents && this.used.has(name); suffix++) {
      name = fitIdentifier(`${fullName}_${suffix}`, this.maxLength);
    }
    const column: ColumnSchema = { name, type, originalName, nullable };
    this.push(column);
    return column;
  }

  /**
   * Creates the columns of the hints that name a type, before any record has them (dlt creates
   * hinted columns even when no record has a value). A column that exists keeps its type.
   */
  applyHints(hints: readonly ColumnHint[]): void {
    this.hints = new Map();
    for (const hint of hints) {
      const fullName = this.documents ? hint.name : hintKey(hint.name);
      this.hints.set(fullName, hint);
      if (hint.dataType === undefined) continue;
      const name = this.documents ? fullName : fitIdentifier(fullName, this.maxLength);
      if (this.used.has(name)) continue;
      const column = this.addColumn(fullName, hint.dataType, hint.name, hint.nullable ?? true);
      this.describeHinted(column, hint);
      this.hintedByName.set(column.name, column);
    }
    this.requiredColumns = this.schema.columns.filter((column) => column.hinted === true && !column.nullable);
  }

  /** Marks a column as typed by its hint (precision, scale, nullability). */
  describeHinted(column: ColumnSchema, hint: ColumnHint): void {
    column.hinted = true;
    if (hint.precision !== undefined) column.precision = hint.precision;
    if (hint.scale !== undefined) column.scale = hint.scale;
    if (hint.nullable !== undefined) column.nullable = hint.nullable;
    this.cached = undefined;
  }

  /** Sets the merge key columns and the hard-delete column; a change to a stored table counts as a schema change. */
  configureHints(mergeKey: string[], hardDelete: string | undefined): void {
    const current = this.schema.mergeKey ?? [];
    const same =
      current.length === mergeKey.length &&
      current.every((name, index) => mergeKey[index] === name) &&
      this.schema.hardDelete === hardDelete;
    if (same) return;
    if (mergeKey.length > 0) this.schema.mergeKey = mergeKey;
    else delete this.schema.mergeKey;
    if (hardDelete !== undefined) this.schema.hardDelete = hardDelete;
    else delete this.schema.hardDelete;
    this.cached = undefined;
    this.tracker.updated(this.schema.name);
  }

  /** The name a column for `fullName` gets (or has) when it is free. */
  columnName(fullName: string): string {
    return this.documents ? fullName : fitIdentifier(fullName, this.maxLength);
  }

  /** A hinted column no field holds yet whose name is `fullName`'s: the field at `path` takes it. */
  private claimHinted(fullName: string, path: string): StoredColumns | undefined {
    if (this.hintedByName.size === 0) return undefined;
    const name = this.columnName(fullName);
    const column = this.hintedByName.get(name);
    if (column === undefined) return undefined;
    this.hintedByName.delete(name);
    if (column.originalName !== path) {
      column.originalName = path;
      this.cached = undefined;
      this.tracker.updated(this.schema.name);
    }
    return { base: column, variants: undefined };
  }

  /** Changes a column's type to a wider one (`bigint` → `double`, or → `json` in documents mode). */
  widen(column: ColumnSchema, type: ColumnType): void {
    column.type = type;
    this.cached = undefined;
    this.tracker.widened(this.schema.name, column.name);
  }

  /** Appends the system columns after the first row's data columns (once per table). */
  ensureSystemColumns(): void {
    if (this.hasSystemColumns) return;
    this.hasSystemColumns = true;
    this.push({ name: systemColumns.loadId, type: 'text', nullable: false });
    this.push({ name: systemColumns.id, type: 'text', nullable: false });
    if (this.schema.parent === undefined) return;
    this.push({ name: systemColumns.parentId, type: 'text', nullable: false });
    this.push({ name: systemColumns.rootId, type: 'text', nullable: false });
    this.push({ name: systemColumns.listIndex, type: 'bigint', nullable: false });
  }

  /** Sets the primary key columns and write disposition; a change to a stored table counts as a schema change. */
  configure(primaryKey: string[], writeDisposition: TableSchema['writeDisposition']): void {
    const same =
      primaryKey.length === this.schema.primaryKey.length &&
      primaryKey.every((name, index) => this.schema.primaryKey[index] === name);
    if (same && writeDisposition === this.schema.writeDisposition) return;
    this.schema.primaryKey = primaryKey;
    this.schema.writeDisposition = writeDisposition;
    this.cached = undefined;
    this.tracker.updated(this.schema.name);
  }

  /** Sets how a `merge` writes (strategy, `scd2` settings); a change to a stored table counts as a schema change. */
  configureMerge(strategy: TableSchema['mergeStrategy'], scd2: TableSchema['scd2']): void {
    const same =
      strategy === this.schema.mergeStrategy && JSON.stringify(scd2) === JSON.stringify(this.schema.scd2);
    if (same) return;
    if (strategy === undefined) delete this.schema.mergeStrategy;
    else this.schema.mergeStrategy = strategy;
    if (scd2 === undefined) delete this.schema.scd2;
    else this.schema.scd2 = scd2;
    this.cached = undefined;
    this.tracker.updated(this.schema.name);
  }

  /** A copy of the table schema, reused until the table changes again. */
  snapshot(): TableSchema {
    if (this.cached === undefined) {
      const { parent, ...rest } = this.schema;
      this.cached = {
        ...rest,
        ...(parent === undefined ? {} : { parent }),
        columns: this.schema.columns.map((column) => ({ ...column })),
        primaryKey: [...this.schema.primaryKey],
      };
    }
    return this.cached;
  }

  private push(column: ColumnSchema): void {
    this.schema.columns.push(column);
    this.used.add(column.name);
    this.cached = undefined;
    this.tracker.added(this.schema.name, column.name);
  }
}
