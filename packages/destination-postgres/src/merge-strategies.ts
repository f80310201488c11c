import { hash } from 'node:crypto';
import {
  type ColumnSchema,
  DestinationError,
  type MergeStrategy,
  type Row,
  type Scd2Settings,
  scd2ChildPart,
  scd2RowHash,
  scd2ValueText,
  systemColumns,
  type TableSchema,
  type TableWriteCounts,
} from '@restsync/core';
import { fitIdentifier, qualifiedName, quoteIdentifier } from './identifier';
import { mergeStage } from './merge-stage';
import type { SessionContext } from './session-context';
import type { SqlExecutor } from './sql-client';

/** The column an `scd2` table keeps each version's row hash in (without `row_version_column_name`). */
export const rowHashColumn = '_restsync_row_hash';

const idLength = 32;

/** How a merge table (a root) writes. */
export function strategyOf(root: TableSchema): MergeStrategy {
  return root.mergeStrategy ?? 'upsert';
}

/** The `scd2` settings of a root table, or undefined when it is not an `scd2` table. */
export function scd2Of(table: TableSchema): Scd2Settings | undefined {
  if (table.parent !== undefined || table.writeDisposition !== 'merge') return undefined;
  return table.mergeStrategy === 'scd2' ? table.scd2 : undefined;
}

/** The column holding a version's identity in an `scd2` table. */
export function versionColumn(settings: Scd2Settings): string {
  return settings.rowVersionColumn ?? rowHashColumn;
}

/** An `scd2` root table with its validity columns and (by default) its row hash column; others unchanged. */
export function withScd2Columns(table: TableSchema): TableSchema {
  const settings = scd2Of(table);
  if (settings === undefined) return table;
  const names = new Set(table.columns.map((column) => column.name));
  const extra: ColumnSchema[] = [];
  if (settings.rowVersionColumn === undefined && !names.has(rowHashColumn)) {
    extra.push({ name: rowHashColumn, type: 'text', nullable: true });
  }
  for (const name of [settings.validFrom, settings.validTo]) {
    if (!names.has(name)) extra.push({ name, type: 'timestamp', nullable: true });
  }
  return extra.length === 0 ? table : { ...table, columns: [...table.columns, ...extra] };
}

/** Whether a row's `hard_delete` column asks for its deletion: true for a bool column, any value otherwise. */
export function isFlagged(table: TableSchema, row: Row): boolean {
  if (table.hardDelete === undefined) return false;
  const value = row[table.hardDelete];
  const column = table.columns.find((candidate) => candidate.name === table.hardDelete);
  return column?.type === 'bool' ? value === true : value !== null && value !== undefined;
}

/** SQL: the staged row `alias` is flagged for deletion. */
function flaggedCondition(table: TableSchema, alias: string): string {
  const name = table.hardDelete as string;
  const column = table.columns.find((candidate) => candidate.name === name);
  return column?.type === 'bool'
    ? `${alias}.${quoteIdentifier(name)} IS TRUE`
    : `${alias}.${quoteIdentifier(name)} IS NOT NULL`;
}

function timestampLiteral(value: string | null): string {
  return value === null ? 'NULL::timestamptz' : `'${value.replaceAll("'", "''")}'::timestamptz`;
}

function keyMatch(columns: readonly string[], left: string, right: string, nullSafe = false): string {
  return columns
    .map((column) => {
      const name = quoteIdentifier(column);
      return nullSafe
        ? `${left}.${name} IS NOT DISTINCT FROM ${right}.${name}`
        : `${left}.${name} = ${right}.${name}`;
    })
    .join(' AND ');
}

function columnList(columns: readonly ColumnSchema[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}

/** Rows of a `WITH … RETURNING` statement, counted in one row. */
async function countOf(executor: SqlExecutor, sql: string): Promise<number> {
  const [row] = await executor.query<{ count: number }>(sql);
  return row?.count ?? 0;
}

/** `table`'s staging table (see `mergeStage`), filled from COPY text; emptied at commit. */
async function stageRows(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  columns: readonly ColumnSchema[],
  data: Uint8Array,
): Promise<string> {
  const { stage, create } = mergeStage(context.dataset, table);
  await executor.query(create);
  await executor.copyFrom(`COPY pg_temp.${stage} (${columnList(columns)}) FROM STDIN`, data);
  return stage;
}

async function deleteFlagged(executor: SqlExecutor, table: TableSchema, stage: string): Promise<void> {
  if (table.hardDelete === undefined) return;
  await executor.query(`DELETE FROM pg_temp.${stage} s WHERE ${flaggedCondition(table, 's')}`);
}

/**
 * `delete-insert`: deletes every stored row with a key of the batch (its primary key; or its
 * `merge_key` values, among rows of earlier loads, so the pages of one run add up), with their
 * child rows, then inserts the batch (without the rows flagged `hard_delete`). Counts the deleted
 * rows as updated (at most the rows inserted), the other inserted rows as inserted.
 */
export async function writeDeleteInsert(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  data: Uint8Array,
  loadId: string,
  descendants: readonly string[],
): Promise<TableWriteCounts> {
  const stage = await stageRows(context, executor, table, table.columns, data);
  const target = qualifiedName(context.dataset, table.name);
  const id = quoteIdentifier(systemColumns.id);
  const conditions: string[] = [];
  if (table.primaryKey.length > 0) conditions.push(`(${keyMatch(table.primaryKey, 't', 's')})`);
  const mergeKey = table.mergeKey ?? [];
  if (mergeKey.length > 0) {
    conditions.push(
      `(${keyMatch(mergeKey, 't', 's', true)} AND t.${quoteIdentifier(systemColumns.loadId)} <> '${loadId.replaceAll("'", "''")}')`,
    );
  }
  const deleted = quoteIdentifier(`${stage.slice(1, -1)}_deleted`);
  await executor.query(`CREATE TEMP TABLE ${deleted} (id text) ON COMMIT DROP`);
  const removed = await countOf(
    executor,
    `WITH removed AS (DELETE FROM ${target} t USING pg_temp.${stage} s WHERE ${conditions.join(' OR ')} RETURNING t.${id}),
     noted AS (INSERT INTO pg_temp.${deleted} SELECT ${id} FROM removed RETURNING 1)
     SELECT count(*)::int AS count FROM noted`,
  );
  for (const descendant of descendants) {
    await executor.query(
      `DELETE FROM ${qualifiedName(context.dataset, descendant)} d USING pg_temp.${deleted} r
       WHERE d.${quoteIdentifier(systemColumns.rootId)} = r.id`,
    );
  }
  await deleteFlagged(executor, table, stage);
  const columns = columnList(table.columns);
  const written = await countOf(
    executor,
    `WITH added AS (INSERT INTO ${target} (${columns}) SELECT ${columns} FROM pg_temp.${stage} RETURNING 1)
     SELECT count(*)::int AS count FROM added`,
  );
  const updated = Math.min(removed, written);
  return { inserted: written - updated, updated };
}

/** `upsert` with `hard_delete`: deletes the stored rows of the flagged keys and drops them from the stage. */
export async function deleteFlaggedKeys(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  stage: string,
): Promise<void> {
  if (table.hardDelete === undefined) return;
  await executor.query(
    `DELETE FROM ${qualifiedName(context.dataset, table.name)} t USING pg_temp.${stage} s
     WHERE ${keyMatch(table.primaryKey, 't', 's')} AND ${flaggedCondition(table, 's')}`,
  );
  await deleteFlagged(executor, table, stage);
}

/** The table of `scd2` version ids seen during the current run of a resource; emptied when it completes. */
function seenTableName(table: string): string {
  return fitIdentifier(`_restsync_seen_${table}`);
}

function activeCondition(settings: Scd2Settings, alias: string): string {
  const validTo = `${alias}.${quoteIdentifier(settings.validTo)}`;
  return settings.activeRecordTimestamp === null
    ? `${validTo} IS NULL`
    : `${validTo} = ${timestampLiteral(settings.activeRecordTimestamp)}`;
}

const boundaries = new WeakMap<SessionContext, Map<string, string>>();

/** The time of this run's `scd2` changes: `boundary_timestamp`, or when the session first needed it for the load. */
export function boundaryOf(context: SessionContext, settings: Scd2Settings, loadId: string): string {
  if (settings.boundaryTimestamp !== undefined) return settings.boundaryTimestamp;
  let byLoad = boundaries.get(context);
  if (!byLoad) {
    byLoad = new Map();
    boundaries.set(context, byLoad);
  }
  let boundary = byLoad.get(loadId);
  if (boundary === undefined) {
    boundary = new Date().toISOString();
    byLoad.set(loadId, boundary);
  }
  return boundary;
}

function shortHash(text: string): string {
  return hash('sha1', text, 'hex').slice(0, idLength);
}

/** One table's rows in a batch (roots first, then children by depth). */
export interface TableRows {
  table: TableSchema;
  rows: Row[];
}

/**
 * Prepares the rows of an `scd2` resource: each root row gets its version (the
 * `row_version_column_name` value, or a hash of the row and its child rows' data), duplicates of
 * one version (or one primary key) keep the last, and every row gets a fresh `_restsync_id` (per
 * version and load, so a re-inserted version never collides with the retired one) that its child
 * rows follow. Returns new rows; the batch is left as it was.
 */
export function prepareScd2Rows(
  root: TableRows,
  children: readonly TableRows[],
  loadId: string,
): TableRows[] {
  const settings = scd2Of(root.table) as Scd2Settings;
  const id = systemColumns.id;
  const childPaths = new Map<unknown, string>();
  const parts = new Map<unknown, string[]>();
  for (const row of root.rows) childPaths.set(row[id], '');
  for (const { table, rows } of children) {
    for (const row of rows) {
      const path = `${childPaths.get(row[systemColumns.parentId]) ?? ''}/${table.name}[${String(row[systemColumns.listIndex])}]`;
      childPaths.set(row[id], path);
      const rootId = row[systemColumns.rootId];
      let list = parts.get(rootId);
      if (!list) {
        list = [];
        parts.set(rootId, list);
      }
      list.push(scd2ChildPart(path, row));
    }
  }
  const versionOf = (row: Row): string =>
    settings.rowVersionColumn !== undefined
      ? scd2ValueText(row[settings.rowVersionColumn])
      : scd2RowHash(row, parts.get(row[id]));
  const keyed = root.table.primaryKey.length > 0;
  const last = new Map<string, number>();
  const versions = root.rows.map((row, index) => {
    const version = versionOf(row);
    const identity = keyed
      ? root.table.primaryKey.map((column) => scd2ValueText(row[column])).join('\u0000')
      : version;
    last.set(identity, index);
    return { version, identity };
  });
  const newIds = new Map<unknown, string>();
  const rootRows: Row[] = [];
  root.rows.forEach((row, index) => {
    const { version, identity } = versions[index] as { version: string; identity: string };
    if (last.get(identity) !== index) return;
    const newId = shortHash(`${loadId}\u0000${version}\u0000${String(row[id])}`);
    newIds.set(row[id], newId);
    rootRows.push({
      ...row,
      [id]: newId,
      ...(settings.rowVersionColumn === undefined ? { [rowHashColumn]: version } : {}),
    });
  });
  const remapped: TableRows[] = [{ table: root.table, rows: rootRows }];
  for (const { table, rows } of children) {
    const kept: Row[] = [];
    for (const row of rows) {
      const rootId = newIds.get(row[systemColumns.rootId]);
      if (rootId === undefined) continue;
      const parentId = row[systemColumns.parentId];
      kept.push({
        ...row,
        [id]: shortHash(`${rootId}\u0000${String(row[id])}`),
        [systemColumns.rootId]: rootId,
        [systemColumns.parentId]: newIds.get(parentId) ?? shortHash(`${rootId}\u0000${String(parentId)}`),
      });
    }
    remapped.push({ table, rows: kept });
  }
  return remapped;
}

/**
 * `scd2`, one batch of a root table: flagged rows retire the active version of their key; with a
 * primary key, a changed row closes its key's active version; versions not active yet are
 * inserted (valid from the boundary); every active version of the batch is noted as seen, so
 * `retireAbsentVersions` can retire the others when the resource completes. Returns the temporary
 * table of inserted ids (only their child rows are written) and the counts: a new version that
 * retired its key's active version is updated, any other new version inserted.
 */
export async function writeScd2Root(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  rows: readonly Row[],
  data: Uint8Array,
  loadId: string,
): Promise<{ insertedIds: string; counts: TableWriteCounts }> {
  const settings = scd2Of(table) as Scd2Settings;
  const boundary = timestampLiteral(boundaryOf(context, settings, loadId));
  const validity = new Set([settings.validFrom, settings.validTo]);
  const dataColumns = table.columns.filter((column) => !validity.has(column.name));
  const stage = await stageRows(context, executor, table, dataColumns, data);
  const target = qualifiedName(context.dataset, table.name);
  const version = quoteIdentifier(versionColumn(settings));
  const validTo = quoteIdentifier(settings.validTo);
  const id = quoteIdentifier(systemColumns.id);
  const naturalKey = table.primaryKey.length > 0 ? table.primaryKey : (table.mergeKey ?? []);
  if (table.hardDelete !== undefined) {
    if (naturalKey.length === 0 && rows.some((row) => isFlagged(table, row))) {
      throw new DestinationError(
        `Table "${table.name}" (scd2) has rows flagged by hard_delete column "${table.hardDelete}" but no primary key or merge key ` +
          'to find the version they retire. Set primary_key or merge_key on the resource.',
        { table: table.name },
      );
    }
    if (naturalKey.length > 0) {
      await executor.query(
        `UPDATE ${target} t SET ${validTo} = ${boundary} FROM pg_temp.${stage} s
         WHERE ${activeCondition(settings, 't')} AND ${keyMatch(naturalKey, 't', 's')} AND ${flaggedCondition(table, 's')}`,
      );
    }
    await deleteFlagged(executor, table, stage);
  }
  const sameKey = table.primaryKey.length > 0 ? ` AND ${keyMatch(table.primaryKey, 't', 's')}` : '';
  let changed = 0;
  if (table.primaryKey.length > 0) {
    changed = await countOf(
      executor,
      `WITH closed AS (UPDATE ${target} t SET ${validTo} = ${boundary} FROM pg_temp.${stage} s
       WHERE ${activeCondition(settings, 't')}${sameKey} AND t.${version} IS DISTINCT FROM s.${version} RETURNING 1)
       SELECT count(*)::int AS count FROM closed`,
    );
  }
  const inserted = quoteIdentifier(`${stage.slice(1, -1)}_inserted`);
  await executor.query(
    `CREATE TEMP TABLE ${inserted} ON COMMIT DROP AS SELECT s.${id} AS id FROM pg_temp.${stage} s
     WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${activeCondition(settings, 't')} AND t.${version} = s.${version}${sameKey})`,
  );
  const columns = columnList(dataColumns);
  const versions = await countOf(
    executor,
    `WITH added AS (INSERT INTO ${target} (${columns}, ${quoteIdentifier(settings.validFrom)}, ${validTo})
     SELECT ${dataColumns.map((column) => `s.${quoteIdentifier(column.name)}`).join(', ')}, ${boundary}, ${timestampLiteral(settings.activeRecordTimestamp)}
     FROM pg_temp.${stage} s JOIN pg_temp.${inserted} i ON s.${id} = i.id RETURNING 1)
     SELECT count(*)::int AS count FROM added`,
  );
  const seen = qualifiedName(context.dataset, seenTableName(table.name));
  await executor.query(`CREATE TABLE IF NOT EXISTS ${seen} (id text PRIMARY KEY)`);
  await executor.query(
    `INSERT INTO ${seen} (id) SELECT t.${id} FROM ${target} t JOIN pg_temp.${stage} s
     ON t.${version} = s.${version}${sameKey} WHERE ${activeCondition(settings, 't')} ON CONFLICT DO NOTHING`,
  );
  const updated = Math.min(changed, versions);
  return { insertedIds: inserted, counts: { inserted: versions - updated, updated } };
}

/**
 * `scd2`, one batch of a child table: only the child rows of newly inserted versions are written.
 * Returns how many.
 */
export async function writeScd2Child(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  data: Uint8Array,
  inserted: string,
): Promise<number> {
  const stage = await stageRows(context, executor, table, table.columns, data);
  const columns = columnList(table.columns);
  return await countOf(
    executor,
    `WITH added AS (INSERT INTO ${qualifiedName(context.dataset, table.name)} (${columns}) SELECT ${columns} FROM pg_temp.${stage}
     WHERE ${quoteIdentifier(systemColumns.rootId)} IN (SELECT id FROM pg_temp.${inserted}) RETURNING 1)
     SELECT count(*)::int AS count FROM added`,
  );
}

/**
 * `scd2`, when a resource completes: retires (valid to the boundary) every active version this run
 * did not see, only among the `merge_key` values it saw when there is one. A run that loaded no row
 * retires nothing (an API answering empty by mistake does not close every record).
 */
export async function retireAbsentVersions(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  loadId: string,
): Promise<void> {
  const settings = scd2Of(table);
  if (settings === undefined) return;
  const seenName = seenTableName(table.name);
  const [present] = await executor.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [qualifiedName(context.dataset, seenName)],
  );
  if (!present?.present) return;
  const seen = qualifiedName(context.dataset, seenName);
  const target = qualifiedName(context.dataset, table.name);
  const id = quoteIdentifier(systemColumns.id);
  const mergeKey = table.mergeKey ?? [];
  const withinMergeKeys =
    mergeKey.length === 0
      ? ''
      : ` AND EXISTS (SELECT 1 FROM ${target} k JOIN ${seen} v ON v.id = k.${id} WHERE ${keyMatch(mergeKey, 'k', 't', true)})`;
  await executor.query(
    `UPDATE ${target} t SET ${quoteIdentifier(settings.validTo)} = ${timestampLiteral(boundaryOf(context, settings, loadId))}
     WHERE ${activeCondition(settings, 't')} AND NOT EXISTS (SELECT 1 FROM ${seen} v WHERE v.id = t.${id})${withinMergeKeys}`,
  );
  await executor.query(`DROP TABLE ${seen}`);
}
