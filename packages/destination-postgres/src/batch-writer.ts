import {
  type ColumnSchema,
  DestinationError,
  type LoadBatch,
  type Row,
  systemColumns,
  type TableSchema,
  type WriteDisposition,
} from '@restsync/core';
import { type LiveCatalog, planTableChanges, type TableLayout } from './catalog';
import { encodeCopyText } from './copy-text';
import { operationFailed } from './destination-errors';
import { qualifiedName, quoteIdentifier } from './identifier';
import { keepLastPerKey } from './merge-rows';
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
  rows: Row[];
  /** The rows as COPY text. */
  data: string;
  /** `replace`: the first write of this table in this load (the staging table starts empty). */
  firstStaging: boolean;
}

/** SQL text of a merge into one table with one column set. */
interface MergeStatements {
  stage: string;
  createStage: string;
  copy: string;
  upsert: string;
}

function columnList(columns: readonly ColumnSchema[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}

function copyStatement(context: SessionContext, table: string, columns: readonly ColumnSchema[]): string {
  const key = `copy\u0001${table}\u0001${columns.map((column) => column.name).join('\u0000')}`;
  let statement = context.statements.get(key) as string | undefined;
  if (statement === undefined) {
    statement = `COPY ${qualifiedName(context.dataset, table)} (${columnList(columns)}) FROM STDIN`;
    context.statements.set(key, statement);
  }
  return statement;
}

function mergeStatements(context: SessionContext, table: TableSchema): MergeStatements {
  const names = table.columns.map((column) => column.name);
  const key = `merge\u0001${table.name}\u0001${names.join('\u0000')}\u0001${table.primaryKey.join('\u0000')}`;
  const cached = context.statements.get(key) as MergeStatements | undefined;
  if (cached) return cached;
  context.temporaryCount += 1;
  const stage = quoteIdentifier(`_restsync_stage_${context.temporaryCount}`);
  const target = qualifiedName(context.dataset, table.name);
  const columns = columnList(table.columns);
  const updates = names
    .filter((name) => !table.primaryKey.includes(name))
    .map((name) => `${quoteIdentifier(name)} = EXCLUDED.${quoteIdentifier(name)}`);
  const conflict = `ON CONFLICT (${table.primaryKey.map(quoteIdentifier).join(', ')})`;
  const statements: MergeStatements = {
    stage,
    createStage: `CREATE TEMP TABLE ${stage} (LIKE ${target}) ON COMMIT DROP`,
    copy: `COPY pg_temp.${stage} (${columns}) FROM STDIN`,
    upsert:
      `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM pg_temp.${stage} ` +
      (updates.length > 0 ? `${conflict} DO UPDATE SET ${updates.join(', ')}` : `${conflict} DO NOTHING`),
  };
  context.statements.set(key, statements);
  return statements;
}

function encodeRows(rows: Row[], table: TableSchema): string {
  try {
    return encodeCopyText(rows, table.columns);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DestinationError(`Could not encode the rows of table "${table.name}": ${reason}.`, {
      cause: error,
      table: table.name,
    });
  }
}

/** Orders tables roots first, dedupes merge rows, drops children of superseded rows, encodes. */
function prepareWrites(context: SessionContext, batch: LoadBatch): TableWrite[] {
  const staged = context.staged.get(batch.loadId);
  const ordered = batch.tables
    .map((tableBatch) => ({ tableBatch, depth: depthOf(context, tableBatch.table) }))
    .sort((left, right) => left.depth - right.depth);
  const supersededByRoot = new Map<string, ReadonlySet<unknown>>();
  return ordered.map(({ tableBatch: { table, rows: batchRows } }) => {
    let rows = batchRows;
    if (table.parent !== undefined) {
      const superseded = supersededByRoot.get(rootOf(context, table).name);
      if (superseded && superseded.size > 0) {
        rows = rows.filter((row) => !superseded.has(row[systemColumns.rootId]));
      }
    }
    const mode = table.writeDisposition;
    if (mode === 'merge' && table.primaryKey.length === 0 && table.parent === undefined) {
      throw new DestinationError(
        `Table "${table.name}" uses write disposition "merge" but has no primary key. Set primaryKey on the resource.`,
        { table: table.name },
      );
    }
    if (mode === 'merge' && table.primaryKey.length > 0) {
      const kept = keepLastPerKey(rows, table.primaryKey, table.name);
      rows = kept.rows;
      if (table.parent === undefined) supersededByRoot.set(table.name, kept.supersededIds);
    }
    const physical = mode === 'replace' ? stagingTableName(table.name) : table.name;
    return {
      table,
      mode,
      physical,
      layout: mode === 'replace' ? { name: physical, columns: table.columns } : targetLayout(table),
      rows,
      data: rows.length > 0 ? encodeRows(rows, table) : '',
      firstStaging: mode === 'replace' && !staged?.has(table.name),
    };
  });
}

async function deleteDescendants(
  context: SessionContext,
  executor: SqlExecutor,
  catalog: LiveCatalog,
  table: TableSchema,
  stage: string,
): Promise<void> {
  const target = catalog.get(table.name);
  if (!target?.columns.has(systemColumns.id)) return;
  const descendants = liveDescendantsOf(context, catalog, table);
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

async function writeTable(
  context: SessionContext,
  executor: SqlExecutor,
  catalog: LiveCatalog,
  write: TableWrite,
): Promise<void> {
  if (write.rows.length === 0) return;
  const { table } = write;
  if (write.mode !== 'merge' || table.primaryKey.length === 0) {
    await executor.copyFrom(copyStatement(context, write.physical, table.columns), write.data);
    return;
  }
  const statements = mergeStatements(context, table);
  await executor.query(statements.createStage);
  await executor.copyFrom(statements.copy, write.data);
  if (table.parent === undefined)
    await deleteDescendants(context, executor, catalog, table, statements.stage);
  await executor.query(statements.upsert);
}

/**
 * Writes one batch in one transaction: the schema version, DDL (new tables, new columns,
 * bigint → double), rows per write disposition, then the states. Nothing is visible on failure.
 */
export async function writeBatch(context: SessionContext, batch: LoadBatch): Promise<void> {
  let step: { operation: string; table?: string } = { operation: 'prepare the batch' };
  let started = false;
  try {
    rememberTables(context, batch.schema?.tables ?? []);
    rememberTables(
      context,
      batch.tables.map((tableBatch) => tableBatch.table),
    );
    const writes = prepareWrites(context, batch);
    await context.client.transaction(async (executor) => {
      started = true;
      step = { operation: 'check the lease', table: systemTables.leases };
      await fenceWrites(context, executor);
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
      for (const write of writes) {
        step = { operation: `${write.mode} ${write.rows.length} rows`, table: write.table.name };
        await writeTable(context, executor, catalog, write);
      }
      for (const state of batch.states) {
        step = { operation: `store the state of resource "${state.resource}"`, table: systemTables.state };
        await writeState(executor, context.dataset, context.pipeline, state);
      }
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
}
