import {
  type ColumnSchema,
  DestinationError,
  type LoadBatch,
  type Row,
  systemColumns,
  type TableSchema,
  type TableWriteCounts,
  type WriteDisposition,
  type WriteResult,
} from '@restsync/core';
import { type LiveCatalog, type LiveTable, planTableChanges, type TableLayout } from './catalog';
import { binaryCopyData, binaryToText, binaryTupleEnds, matchesLive } from './copy-binary';
import { type CopyPart, encodeTableRows, pagesToParts } from './copy-rows';
import { operationFailed } from './destination-errors';
import { qualifiedName, quoteIdentifier } from './identifier';
import { keepLastPerKey } from './merge-rows';
import { mergeStage } from './merge-stage';
import {
  deleteFlaggedKeys,
  isFlagged,
  prepareScd2Rows,
  scd2Of,
  strategyOf,
  type TableRows,
  withScd2Columns,
  writeDeleteInsert,
  writeScd2Child,
  writeScd2Root,
} from './merge-strategies';
import {
  applyDdl,
  changesFor,
  currentCatalog,
  depthOf,
  fenceWrites,
  liveDescendantsOf,
  rememberTables,
  rootOf,
  type SessionContext,
  stagingTableName,
  targetLayout,
} from './session-context';
import type { SqlExecutor } from './sql-client';
import { storeSchema, systemTables, writeState } from './system-tables';

/** One table's part of a batch, ready to write. */
interface TableWrite {
  table: TableSchema;
  mode: WriteDisposition;
  /** The table written: the table itself, or its staging table for `replace`. */
  physical: string;
  layout: TableLayout;
  /** The rows (none when the pipeline passed them encoded). */
  rows: Row[];
  /** How many rows are written: `rows`, or the encoded pages' rows. */
  rowCount: number;
  /** The rows in COPY text format (UTF-8), with the columns they fill: one part per column list. */
  parts: CopyPart[];
  /** `replace`: the first write of this table in this load (the staging table starts empty). */
  firstStaging: boolean;
}

/** What the writes of one batch pass on to each other. */
interface BatchProgress {
  loadId: string;
  /** `scd2` root table → the temporary table of the version ids this batch inserted. */
  insertedVersions: Map<string, string>;
}

/** SQL text of a merge into one table with one column set. */
interface MergeStatements {
  stage: string;
  createStage: string;
  copy: string;
  /** The upsert, answering one row: `inserted` (new keys) and `updated` (stored keys overwritten). */
  upsert: string;
}

/** The counts an `INSERT … RETURNING` statement answers in one row. */
interface CountRow {
  inserted: number;
  updated: number;
}

function columnList(columns: readonly ColumnSchema[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}

function copyStatement(context: SessionContext, table: string, columns: readonly string[]): string {
  const key = `copy\u0001${table}\u0001${columns.join('\u0000')}`;
  let statement = context.statements.get(key) as string | undefined;
  if (statement === undefined) {
    statement = `COPY ${qualifiedName(context.dataset, table)} (${columns.map(quoteIdentifier).join(', ')}) FROM STDIN`;
    context.statements.set(key, statement);
  }
  return statement;
}

function mergeStatements(context: SessionContext, table: TableSchema): MergeStatements {
  const names = table.columns.map((column) => column.name);
  const { stage, create } = mergeStage(context.dataset, table);
  // Keyed by the shape: a widened column type gets statements (and a staging table) of its own.
  const key = `merge\u0001${stage}`;
  const cached = context.statements.get(key) as MergeStatements | undefined;
  if (cached) return cached;
  const target = qualifiedName(context.dataset, table.name);
  const columns = columnList(table.columns);
  const updates = names
    .filter((name) => !table.primaryKey.includes(name))
    .map((name) => `${quoteIdentifier(name)} = EXCLUDED.${quoteIdentifier(name)}`);
  const conflict = `ON CONFLICT (${table.primaryKey.map(quoteIdentifier).join(', ')})`;
  const insert = `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM pg_temp.${stage} ${conflict}`;
  // Counted in the same statement: a row the upsert inserted has no xmax yet, an updated one has
  // the updating transaction's. With no column to update, a stored key is skipped (DO NOTHING).
  const upsert =
    updates.length > 0
      ? `WITH up AS (${insert} DO UPDATE SET ${updates.join(', ')} RETURNING (xmax = 0) AS inserted)
         SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM up`
      : `WITH up AS (${insert} DO NOTHING RETURNING 1)
         SELECT count(*)::int AS inserted, ((SELECT count(*) FROM pg_temp.${stage}) - count(*))::int AS updated FROM up`;
  const statements: MergeStatements = {
    stage,
    createStage: create,
    copy: `COPY pg_temp.${stage} (${columns}) FROM STDIN`,
    upsert,
  };
  context.statements.set(key, statements);
  return statements;
}

/** The columns COPY fills: every column but an `scd2` table's validity columns (set by SQL). */
function copiedColumns(table: TableSchema): readonly ColumnSchema[] {
  const settings = scd2Of(table);
  if (settings === undefined) return table.columns;
  return table.columns.filter(
    (column) => column.name !== settings.validFrom && column.name !== settings.validTo,
  );
}

/** Checks that a merge root has the key its strategy needs. */
function assertMergeKey(table: TableSchema): void {
  const strategy = strategyOf(table);
  if (strategy === 'scd2' || table.primaryKey.length > 0) return;
  if (strategy === 'delete-insert' && (table.mergeKey ?? []).length > 0) return;
  throw new DestinationError(
    strategy === 'delete-insert'
      ? `Table "${table.name}" uses the "delete-insert" merge strategy but has neither a primary key nor a merge key. Set primaryKey or merge_key on the resource.`
      : `Table "${table.name}" uses write disposition "merge" but has no primary key. Set primaryKey on the resource.`,
    { table: table.name },
  );
}

/**
 * Orders tables roots first, dedupes merge rows, drops children of superseded and `hard_delete`d
 * rows, gives `scd2` rows their versions and ids, encodes. Pages the pipeline passed encoded
 * (`TableBatch.encoded`, see `encodePage`) are written as they are: the pipeline already dropped
 * the earlier copies of their keys, and their tables have neither child rows nor `hard_delete`.
 */
function prepareWrites(context: SessionContext, batch: LoadBatch): TableWrite[] {
  const staged = context.staged.get(batch.loadId);
  const ordered = batch.tables
    .map((tableBatch) => ({ tableBatch, depth: depthOf(context, tableBatch.table) }))
    .sort((left, right) => left.depth - right.depth);
  const supersededByRoot = new Map<string, ReadonlySet<unknown>>();
  const encodedPages = new Map<string, CopyPart[]>();
  const prepared: TableRows[] = ordered.map(({ tableBatch: { table, rows: batchRows, encoded } }) => {
    if (encoded !== undefined && encoded.length > 0) {
      if (table.writeDisposition === 'merge') assertMergeKey(table);
      encodedPages.set(table.name, pagesToParts(encoded));
      return { table, rows: batchRows };
    }
    let rows = batchRows;
    if (table.parent !== undefined) {
      const superseded = supersededByRoot.get(rootOf(context, table).name);
      if (superseded && superseded.size > 0) {
        rows = rows.filter((row) => !superseded.has(row[systemColumns.rootId]));
      }
    }
    if (table.writeDisposition !== 'merge') return { table, rows };
    if (table.parent === undefined) assertMergeKey(table);
    if (table.primaryKey.length > 0) {
      const kept = keepLastPerKey(rows, table.primaryKey, table.name);
      rows = kept.rows;
      if (table.parent === undefined) supersededByRoot.set(table.name, kept.supersededIds);
    }
    if (table.parent === undefined && table.hardDelete !== undefined && strategyOf(table) !== 'scd2') {
      const dropped = new Set(supersededByRoot.get(table.name));
      for (const row of rows) if (isFlagged(table, row)) dropped.add(row[systemColumns.id]);
      supersededByRoot.set(table.name, dropped);
    }
    return { table, rows };
  });
  const remapped = new Map<string, Row[]>();
  for (const entry of prepared) {
    if (scd2Of(entry.table) === undefined) continue;
    const children = prepared.filter(
      (child) => child.table.parent !== undefined && rootOf(context, child.table).name === entry.table.name,
    );
    for (const result of prepareScd2Rows(entry, children, batch.loadId)) {
      remapped.set(result.table.name, result.rows);
    }
  }
  return prepared.map((entry) => {
    const table = withScd2Columns(entry.table);
    const rows = remapped.get(table.name) ?? entry.rows;
    const mode = table.writeDisposition;
    const physical = mode === 'replace' ? stagingTableName(table.name) : table.name;
    const encoded = encodedPages.get(table.name);
    const columns = copiedColumns(table);
    return {
      table,
      mode,
      physical,
      layout: mode === 'replace' ? { name: physical, columns: table.columns } : targetLayout(context, table),
      rows,
      rowCount: encoded === undefined ? rows.length : encoded.reduce((sum, part) => sum + part.rowCount, 0),
      parts:
        encoded ??
        (rows.length > 0
          ? [
              {
                columns: columns.map((column) => column.name),
                rowCount: rows.length,
                data: encodeTableRows(rows, table, columns),
              },
            ]
          : []),
      firstStaging: mode === 'replace' && batch.sharedStaging !== true && !staged?.has(table.name),
    };
  });
}

/** The child tables whose rows are replaced when `table`'s stored rows are (none without its `_restsync_id` column). */
function descendantsToReplace(context: SessionContext, catalog: LiveCatalog, table: TableSchema): string[] {
  if (!catalog.get(table.name)?.columns.has(systemColumns.id)) return [];
  return liveDescendantsOf(context, catalog, table);
}

async function deleteDescendants(
  context: SessionContext,
  executor: SqlExecutor,
  table: TableSchema,
  stage: string,
  descendants: readonly string[],
): Promise<void> {
  if (descendants.length === 0) return;
  const ids = quoteIdentifier(`${stage.slice(1, -1)}_ids`);
  const id = quoteIdentifier(systemColumns.id);
  const matches = table.primaryKey
    .map((column) => `t.${quoteIdentifier(column)} = s.${quoteIdentifier(column)}`)
    .join(' AND ');
  // Old ids (rows about to be updated) and new ids: children of both are replaced.
  await executor.query(
    `CREATE TEMP TABLE ${ids} ON COMMIT DROP AS
     SELECT t.${id} AS id FROM ${qualifiedName(context.dataset, table.name)} t JOIN pg_temp.${stage} s ON ${matches}
     UNION SELECT s.${id} FROM pg_temp.${stage} s`,
  );
  for (const descendant of descendants) {
    await executor.query(
      `DELETE FROM ${qualifiedName(context.dataset, descendant)} d USING pg_temp.${ids} i
       WHERE d.${quoteIdentifier(systemColumns.rootId)} = i.id`,
    );
  }
}

/** Postgres's `unique_violation`. */
const uniqueViolation = '23505';

/**
 * Whether an `upsert` batch of a root table may first try a plain `COPY` into the table: the table
 * has a unique index on exactly the primary key (so a stored key cannot slip in twice), nothing
 * but the upsert itself would read the staging table (no child tables to replace, no
 * `hard_delete`), and no batch of this session has met a stored key of the table yet.
 */
function mayCopyDirectly(context: SessionContext, catalog: LiveCatalog, table: TableSchema): boolean {
  if (table.parent !== undefined || table.hardDelete !== undefined) return false;
  if (context.keysStored.has(table.name)) return false;
  const key = [...table.primaryKey].sort().join('\u0000');
  const unique = catalog
    .get(table.name)
    ?.uniqueKeys.some((columns) => [...columns].sort().join('\u0000') === key);
  return unique === true && liveDescendantsOf(context, catalog, table).length === 0;
}

/** A part's first row, and the rest (undefined when it holds one row). */
function splitFirstRow(part: CopyPart): [CopyPart, CopyPart | undefined] {
  // COPY text: after the first newline (a newline inside a value is escaped); binary: the first tuple's end.
  const split =
    part.types === undefined
      ? part.data.indexOf(0x0a) + 1 || part.data.length
      : (binaryTupleEnds(part.data, 1)[0] as number);
  const head = { ...part, rowCount: 1, data: part.data.slice(0, split) };
  if (split >= part.data.length) return [head, undefined];
  return [head, { ...part, rowCount: part.rowCount - 1, data: part.data.subarray(split) }];
}

/**
 * A merge batch whose keys are all new needs no upsert: `COPY` straight into the table, inside a
 * savepoint, is the same insert without the staging copy. The first row goes alone, so a batch
 * of stored keys (an update run) fails on one row instead of on the hundreds `COPY` inserts
 * before it checks the index, whose dead versions would stay in the table's pages until a vacuum
 * (PGlite runs none). The table's unique key refuses a stored key (`unique_violation`): the
 * savepoint undoes the partial `COPY`, the table is remembered for the session, and false tells
 * the caller to merge through the staging table. Any other error fails the batch as before.
 */
async function copyNewKeys(
  context: SessionContext,
  executor: SqlExecutor,
  write: TableWrite,
  live: LiveTable | undefined,
): Promise<boolean> {
  const [first, ...others] = write.parts as [CopyPart, ...CopyPart[]];
  const [head, rest] = splitFirstRow(first);
  const copyInto = (columns: readonly string[]) => copyStatement(context, write.physical, columns);
  // Sent together (see `copyParts`): a failed COPY fails the RELEASE behind it, and the first failure is the COPY's.
  try {
    await Promise.all([
      executor.query('SAVEPOINT restsync_new_keys'),
      copyParts(executor, rest === undefined ? [head, ...others] : [head, rest, ...others], copyInto, live),
      executor.query('RELEASE SAVEPOINT restsync_new_keys'),
    ]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== uniqueViolation) throw error;
    await executor.query('ROLLBACK TO SAVEPOINT restsync_new_keys');
    await executor.query('RELEASE SAVEPOINT restsync_new_keys');
    context.keysStored.add(write.table.name);
    return false;
  }
  return true;
}

/**
 * Copies each part with the statement for its columns into a table that is `live` now: COPY text,
 * or binary tuples as COPY binary when the table holds their columns in the types they were
 * written in, else (a column widened since they were encoded) converted to text.
 *
 * Every part is sent before the first one is answered: a connection runs its statements in the
 * order they were sent, so PGlite's worker thread goes from one COPY to the next without waiting
 * for this thread (which may be busy with the next pages) between them. A part that fails makes
 * the ones after it fail too (the transaction is aborted); the first failure is the one thrown.
 * The same holds for the statements `writeTable` and `writeBatch` send ahead.
 */
function copyParts(
  executor: SqlExecutor,
  parts: readonly CopyPart[],
  statementFor: (columns: readonly string[]) => string,
  live: LiveTable | undefined,
): Promise<unknown> {
  return Promise.all(
    parts.map((part) => {
      const statement = statementFor(part.columns);
      if (part.types === undefined) return executor.copyFrom(statement, part.data);
      if (matchesLive(part, live))
        return executor.copyFrom(`${statement} WITH (FORMAT binary)`, binaryCopyData(part.data));
      return executor.copyFrom(statement, binaryToText(part.data, part.types));
    }),
  );
}

/** The COPY text of a write that came as rows (one part: the strategies that take rows never get encoded pages). */
function rowData(write: TableWrite): Uint8Array {
  return write.parts[0]?.data ?? new Uint8Array(0);
}

/** Writes one table's rows; returns how many it inserted and updated (see `TableWriteCounts`). */
async function writeTable(
  context: SessionContext,
  executor: SqlExecutor,
  catalog: LiveCatalog,
  write: TableWrite,
  batch: BatchProgress,
): Promise<TableWriteCounts> {
  const appended = { inserted: write.rowCount, updated: 0 };
  if (write.rowCount === 0) return appended;
  const { table } = write;
  const copyInto = (columns: readonly string[]) => copyStatement(context, write.physical, columns);
  // The table the parts are copied into, or the one a merge's staging table is made like.
  const live = catalog.get(write.physical);
  if (write.mode !== 'merge') {
    await copyParts(executor, write.parts, copyInto, live);
    return appended;
  }
  const strategy = strategyOf(rootOf(context, table));
  if (strategy === 'scd2') {
    if (table.parent === undefined) {
      const written = await writeScd2Root(context, executor, table, write.rows, rowData(write), batch.loadId);
      batch.insertedVersions.set(table.name, written.insertedIds);
      return written.counts;
    }
    const inserted = batch.insertedVersions.get(rootOf(context, table).name);
    if (inserted === undefined) return { inserted: 0, updated: 0 };
    return { inserted: await writeScd2Child(context, executor, table, rowData(write), inserted), updated: 0 };
  }
  if (strategy === 'delete-insert' && table.parent === undefined) {
    const descendants = descendantsToReplace(context, catalog, table);
    return await writeDeleteInsert(context, executor, table, rowData(write), batch.loadId, descendants);
  }
  if (table.primaryKey.length === 0) {
    await copyParts(executor, write.parts, copyInto, live);
    return appended;
  }
  if (mayCopyDirectly(context, catalog, table) && (await copyNewKeys(context, executor, write, live))) {
    return appended;
  }
  const statements = mergeStatements(context, table);
  const all = table.columns.length;
  // The staging table, its rows and (unless stored rows must go first) the upsert, sent together.
  let staged: Promise<unknown> = Promise.all([
    executor.query(statements.createStage),
    copyParts(
      executor,
      write.parts,
      (columns) =>
        columns.length === all
          ? statements.copy
          : `COPY pg_temp.${statements.stage} (${columns.map(quoteIdentifier).join(', ')}) FROM STDIN`,
      live,
    ),
  ]);
  const descendants = table.parent === undefined ? descendantsToReplace(context, catalog, table) : [];
  if (table.parent === undefined && (table.hardDelete !== undefined || descendants.length > 0)) {
    await staged;
    await deleteDescendants(context, executor, table, statements.stage, descendants);
    await deleteFlaggedKeys(context, executor, table, statements.stage);
    staged = Promise.resolve();
  }
  const [, [counts]] = await Promise.all([staged, executor.query<CountRow>(statements.upsert)]);
  return { inserted: counts?.inserted ?? 0, updated: counts?.updated ?? 0 };
}

/**
 * Writes one batch in one transaction: the schema version, DDL (new tables, new columns,
 * bigint → double), rows per write disposition, then the states. Nothing is visible on failure.
 * Returns the rows inserted and updated per table, counted by the statements that wrote them.
 */
export async function writeBatch(context: SessionContext, batch: LoadBatch): Promise<WriteResult> {
  const written: WriteResult = { tables: {} };
  let step: { operation: string; table?: string } = { operation: 'prepare the batch' };
  let started = false;
  try {
    rememberTables(context, batch.schema?.tables ?? []);
    rememberTables(
      context,
      batch.tables.map((tableBatch) => tableBatch.table),
    );
    const writes = prepareWrites(context, batch);
    const writeAll = async (executor: SqlExecutor) => {
      step = { operation: 'read the catalog' };
      let catalog = await currentCatalog(context, executor);
      if (batch.schema) {
        step = { operation: `store schema version ${batch.schema.version}`, table: systemTables.schemas };
        await storeSchema(executor, context.dataset, batch.schema);
      }
      const ddl: string[] = [];
      for (const write of writes) {
        step = { operation: 'plan schema changes', table: write.table.name };
        if (write.firstStaging) {
          ddl.push(`DROP TABLE IF EXISTS ${qualifiedName(context.dataset, write.physical)}`);
          ddl.push(...planTableChanges(context.dataset, write.layout, undefined));
        } else {
          ddl.push(...changesFor(context, catalog, write.layout));
        }
      }
      step = { operation: 'apply schema changes (create tables, add or widen columns)' };
      catalog = await applyDdl(context, executor, ddl);
      const progress: BatchProgress = { loadId: batch.loadId, insertedVersions: new Map() };
      written.tables = {};
      for (const write of writes) {
        step = { operation: `${write.mode} ${write.rowCount} rows`, table: write.table.name };
        const counts = await writeTable(context, executor, catalog, write, progress);
        if (write.rowCount > 0) written.tables[write.table.name] = counts;
      }
      for (const state of batch.states) {
        step = { operation: `store the state of resource "${state.resource}"`, table: systemTables.state };
        await writeState(executor, context.dataset, context.pipeline, state);
      }
    };
    await context.client.transaction(async (executor) => {
      started = true;
      // The lease check is sent first and its answer awaited last (see `copyParts`): the writes
      // sent behind it are undone with the batch when the lease is lost, and a lost lease (or a
      // failed check) is the failure reported, whatever it made fail after it.
      const fenceFailure = fenceWrites(context, executor).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      const failure = await writeAll(executor).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      const fence = await fenceFailure;
      if (fence) step = { operation: 'check the lease', table: systemTables.leases };
      const thrown = fence ?? failure;
      if (thrown) throw thrown.error;
    });
  } catch (error) {
    if (started) context.catalog = undefined;
    throw operationFailed(
      error,
      context.errors,
      step.operation,
      step.table,
      started ? 'Nothing of this batch was committed; a rerun continues from the last committed batch.' : '',
    );
  }
  for (const table of batch.tables) {
    if (table.table.writeDisposition !== 'replace') continue;
    let staged = context.staged.get(batch.loadId);
    if (!staged) {
      staged = new Map();
      context.staged.set(batch.loadId, staged);
    }
    staged.set(table.table.name, table.table.resource);
  }
  return written;
}
