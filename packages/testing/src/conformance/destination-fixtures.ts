import { randomBytes } from 'node:crypto';
import {
  type ColumnSchema,
  type ColumnType,
  type MergeStrategy,
  type PaginatorCheckpoint,
  type ResourceState,
  type Row,
  type Scd2Settings,
  systemColumns,
  type TableSchema,
  type WriteDisposition,
} from '@restsync/core';

/** A dataset name no other test uses: `rs_<time>_<random>` (lowercase, a valid identifier everywhere). */
export function uniqueDatasetName(): string {
  return `rs_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A load id shaped like the pipeline's: `<epoch ms>-<6 hex>`. */
export function testLoadId(): string {
  return `${Date.now()}-${randomBytes(3).toString('hex')}`;
}

/** A unique `_restsync_id` value, as the normalizer would assign. */
export function testRowId(): string {
  return randomBytes(8).toString('hex');
}

export type ColumnSpec = [name: string, type: ColumnType];

function toColumns(specs: readonly ColumnSpec[]): ColumnSchema[] {
  return specs.map(([name, type]) => ({ name, type, nullable: true }));
}

export interface TestTableOptions {
  writeDisposition: WriteDisposition;
  primaryKey?: string[];
  /** @default the table name */
  resource?: string;
  /** How a `merge` writes. @default upsert */
  mergeStrategy?: MergeStrategy;
  mergeKey?: string[];
  hardDelete?: string;
  scd2?: Scd2Settings;
}

/** A top-level table with the system columns the normalizer adds (`_restsync_load_id`, `_restsync_id`). */
export function rootTable(
  name: string,
  columns: readonly ColumnSpec[],
  options: TestTableOptions,
): TableSchema {
  return {
    name,
    resource: options.resource ?? name,
    columns: [
      ...toColumns(columns),
      { name: systemColumns.loadId, type: 'text', nullable: false },
      { name: systemColumns.id, type: 'text', nullable: false },
    ],
    primaryKey: options.primaryKey ?? [],
    writeDisposition: options.writeDisposition,
    ...(options.mergeStrategy === undefined ? {} : { mergeStrategy: options.mergeStrategy }),
    ...(options.mergeKey === undefined ? {} : { mergeKey: options.mergeKey }),
    ...(options.hardDelete === undefined ? {} : { hardDelete: options.hardDelete }),
    ...(options.scd2 === undefined ? {} : { scd2: options.scd2 }),
  };
}

/** A child table (from an array field) linked to its parent and root rows; keyed on `_restsync_id`. */
export function childTable(name: string, parent: TableSchema, columns: readonly ColumnSpec[]): TableSchema {
  return {
    name,
    resource: parent.resource,
    parent: parent.name,
    columns: [
      ...toColumns(columns),
      { name: systemColumns.loadId, type: 'text', nullable: false },
      { name: systemColumns.id, type: 'text', nullable: false },
      { name: systemColumns.parentId, type: 'text', nullable: false },
      { name: systemColumns.rootId, type: 'text', nullable: false },
      { name: systemColumns.listIndex, type: 'bigint', nullable: false },
    ],
    primaryKey: [systemColumns.id],
    writeDisposition: parent.writeDisposition,
  };
}

/** A top-level row with a fresh `_restsync_id`. */
export function rootRow(loadId: string, values: Row): Row {
  return { ...values, [systemColumns.loadId]: loadId, [systemColumns.id]: testRowId() };
}

/** A child row of `parent` (whose root is `root`), at `index` in its list. */
export function childRow(loadId: string, parent: Row, root: Row, index: number, values: Row): Row {
  return {
    ...values,
    [systemColumns.loadId]: loadId,
    [systemColumns.id]: testRowId(),
    [systemColumns.parentId]: parent[systemColumns.id],
    [systemColumns.rootId]: root[systemColumns.id],
    [systemColumns.listIndex]: index,
  };
}

export function resourceState(
  resource: string,
  loadId: string,
  checkpoint?: PaginatorCheckpoint,
  status: ResourceState['status'] = 'in_progress',
): ResourceState {
  return {
    formatVersion: 1,
    resource,
    status,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    loadId,
    updatedAt: new Date().toISOString(),
  };
}

/** The same rows with only `fields`, sorted by those fields in order (numbers numerically). */
export function project(rows: readonly Row[], fields: readonly string[]): Row[] {
  const projected = rows.map((row) => Object.fromEntries(fields.map((field) => [field, row[field] ?? null])));
  return projected.sort((left, right) => {
    for (const field of fields) {
      const a = left[field];
      const b = right[field];
      if (a === b) continue;
      if (a === null) return -1;
      if (b === null) return 1;
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      return String(a) < String(b) ? -1 : 1;
    }
    return 0;
  });
}

/** A timestamp as epoch milliseconds, whether it came back as a Date or an ISO string. */
export function epochMilliseconds(value: unknown): number {
  return value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
}

/** The first present field among several spellings (`load_id` / `loadId`). */
export function field(row: Row, ...names: string[]): unknown {
  for (const name of names) if (row[name] !== undefined) return row[name];
  return undefined;
}
