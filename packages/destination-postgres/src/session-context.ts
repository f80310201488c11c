import { systemColumns, type TableSchema } from '@restsync/core';
import { type LiveCatalog, planTableChanges, readCatalog, type TableLayout } from './catalog';
import type { ErrorContext } from './destination-errors';
import { assertIdentifier, fitIdentifier } from './identifier';
import { fenceLease } from './lease';
import type { SqlClient, SqlExecutor } from './sql-client';

/** What one open session knows and caches. */
export interface SessionContext {
  client: SqlClient;
  dataset: string;
  pipeline: string;
  errors: ErrorContext;
  /** The live catalog of the dataset; undefined when stale (read again inside the next transaction). */
  catalog: LiveCatalog | undefined;
  /** Every logical table seen (stored schema, batch schemas, batches), by name: parents and descendants. */
  tables: Map<string, TableSchema>;
  /** Replace staging tables filled in this session: load id → table name → resource. */
  staged: Map<string, Map<string, string>>;
  /** SQL text per table, mode and column set. */
  statements: Map<string, unknown>;
  /**
   * Merge tables in which a batch met a key already stored, during this session: their batches go
   * through the staging table and the upsert from then on, without trying a plain `COPY` first
   * (see `writeTable`).
   */
  keysStored: Set<string>;
  /**
   * The lease version this session acquired; every transaction that writes data, state or a load
   * start checks it first (`fenceLease`). Undefined until `acquireLease` succeeds.
   */
  leaseVersion?: number;
}

/** The fencing check at the start of a writing transaction, when the session holds a lease. */
export async function fenceWrites(context: SessionContext, executor: SqlExecutor): Promise<void> {
  if (context.leaseVersion === undefined) return;
  await fenceLease(executor, context, context.leaseVersion);
}

/** The table a `replace` resource's rows are written to until `completeResource` swaps them in. */
export function stagingTableName(table: string): string {
  return fitIdentifier(`_restsync_staging_${table}`);
}

/** Remembers tables and checks their names are valid Postgres identifiers. */
export function rememberTables(context: SessionContext, tables: Iterable<TableSchema>): void {
  for (const table of tables) {
    assertIdentifier(table.name, 'table');
    for (const column of table.columns) assertIdentifier(column.name, `column of table "${table.name}"`);
    context.tables.set(table.name, table);
  }
}

/** The top-level table of a (child) table. */
export function rootOf(context: SessionContext, table: TableSchema): TableSchema {
  let current = table;
  const seen = new Set<string>([table.name]);
  while (current.parent !== undefined) {
    const parent = context.tables.get(current.parent);
    if (!parent || seen.has(parent.name)) break;
    seen.add(parent.name);
    current = parent;
  }
  return current;
}

/** How deep a table sits below its root (root: 0); writes go roots first. */
export function depthOf(context: SessionContext, table: TableSchema): number {
  let depth = 0;
  let current = table;
  while (current.parent !== undefined && depth < context.tables.size) {
    const parent = context.tables.get(current.parent);
    if (!parent) return depth + 1;
    depth += 1;
    current = parent;
  }
  return depth;
}

/** Every known table below `root` that exists and links to it through `_restsync_root_id`. */
export function liveDescendantsOf(
  context: SessionContext,
  catalog: LiveCatalog,
  root: TableSchema,
): string[] {
  const descendants: string[] = [];
  for (const table of context.tables.values()) {
    if (table.parent === undefined || table.name === root.name) continue;
    if (rootOf(context, table).name !== root.name) continue;
    if (catalog.get(table.name)?.columns.has(systemColumns.rootId)) descendants.push(table.name);
  }
  return descendants;
}

/**
 * The fill factor of an `upsert` root table in an embedded PGlite. PGlite runs no autovacuum, so
 * at Postgres's 100 a merge that updates every row writes each new version to a new page and
 * leaves the old page's space unused: the table grew by its whole size on every such run (12, 24,
 * 35, 47 MB over four runs of 100 000 rows) and its index by a new entry per row. With half of
 * each page left free, an update fits beside the version it replaces (a HOT update: no new index
 * entry, less WAL), and the space of versions two runs old is reused: the same four runs stay at
 * 24 MB, and an update run takes about a fifth less time. A server's autovacuum reclaims the
 * space there, so server tables keep the default.
 */
const embeddedUpsertFillfactor = 50;

/**
 * The layout of a table itself: merge tables get a unique key (not `scd2` roots: they keep every
 * version of a key), their children an index on the root id; in PGlite, `upsert` roots get room
 * for their updates (see `embeddedUpsertFillfactor`).
 */
export function targetLayout(context: SessionContext, table: TableSchema): TableLayout {
  const merge = table.writeDisposition === 'merge';
  const unique = merge && table.primaryKey.length > 0 && table.mergeStrategy !== 'scd2';
  const upsertRoot = unique && table.parent === undefined && (table.mergeStrategy ?? 'upsert') === 'upsert';
  return {
    name: table.name,
    columns: table.columns,
    ...(unique ? { uniqueKey: table.primaryKey } : {}),
    indexRootId: merge && table.parent !== undefined,
    ...(upsertRoot && context.client.embedded === true ? { fillfactor: embeddedUpsertFillfactor } : {}),
  };
}

/** The live catalog, read inside the transaction when the cache is stale. */
export async function currentCatalog(context: SessionContext, executor: SqlExecutor): Promise<LiveCatalog> {
  if (!context.catalog) context.catalog = await readCatalog(executor, context.dataset);
  return context.catalog;
}

/**
 * Runs DDL statements and re-reads the catalog when there were any. The caller marks the cache
 * stale when the transaction fails.
 */
export async function applyDdl(
  context: SessionContext,
  executor: SqlExecutor,
  statements: readonly string[],
): Promise<LiveCatalog> {
  if (statements.length === 0) return currentCatalog(context, executor);
  for (const statement of statements) await executor.query(statement);
  context.catalog = await readCatalog(executor, context.dataset);
  return context.catalog;
}

/** The DDL bringing one table in line with its layout, against the cached catalog. */
export function changesFor(context: SessionContext, catalog: LiveCatalog, layout: TableLayout): string[] {
  return planTableChanges(context.dataset, layout, catalog.get(layout.name));
}
