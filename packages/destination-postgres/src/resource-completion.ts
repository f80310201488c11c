import { type ResourceCompletion, systemColumns, type TableSchema } from '@restsync/core';
import { operationFailed } from './destination-errors';
import { qualifiedName, quoteIdentifier } from './identifier';
import { retireAbsentVersions, scd2Of, withScd2Columns } from './merge-strategies';
import {
  applyDdl,
  changesFor,
  currentCatalog,
  depthOf,
  fenceWrites,
  rememberTables,
  type SessionContext,
  stagingTableName,
  targetLayout,
} from './session-context';
import type { SqlExecutor } from './sql-client';
import { systemTables, writeState } from './system-tables';

/**
 * Swaps the staged rows of a `replace` resource into its tables. Inside one transaction:
 * TRUNCATE every table of the resource, INSERT … SELECT from its staging table, drop the staging.
 *
 * Why not DROP + RENAME: the table keeps its identity (grants, views, indexes, comments stay).
 * Readers at READ COMMITTED never see an empty or partial table: TRUNCATE takes an ACCESS EXCLUSIVE
 * lock, so a concurrent query waits until COMMIT and then reads the new rows with a fresh
 * snapshot; before the swap starts they read the old rows. (A REPEATABLE READ transaction whose
 * snapshot predates the swap would see the table empty — as it would with DROP + RENAME.)
 */
async function swapStagedTables(
  context: SessionContext,
  executor: SqlExecutor,
  tables: TableSchema[],
  staged: ReadonlySet<string>,
  setStep: (operation: string, table?: string) => void,
  /** Swap in only this load's rows (a staging table shared by the units of a distributed run). */
  onlyLoad?: string,
): Promise<void> {
  if (tables.length === 0) return;
  const catalog = await currentCatalog(context, executor);
  setStep('empty the tables before swapping in the new rows', tables[0]?.name);
  await executor.query(
    `TRUNCATE ${tables.map((table) => qualifiedName(context.dataset, table.name)).join(', ')}`,
  );
  for (const table of tables) {
    const staging = stagingTableName(table.name);
    const stagingColumns = catalog.get(staging)?.columns;
    const targetColumns = catalog.get(table.name)?.columns;
    if (staged.has(table.name) && stagingColumns && targetColumns) {
      setStep('swap in the staged rows', table.name);
      const columns = [...stagingColumns.keys()].filter((column) => targetColumns.has(column));
      const list = columns.map(quoteIdentifier).join(', ');
      const where =
        onlyLoad === undefined
          ? ''
          : ` WHERE ${quoteIdentifier(systemColumns.loadId)} = '${onlyLoad.replaceAll("'", "''")}'`;
      await executor.query(
        `INSERT INTO ${qualifiedName(context.dataset, table.name)} (${list})
         SELECT ${list} FROM ${qualifiedName(context.dataset, staging)}${where}`,
      );
    }
    if (stagingColumns) {
      setStep('drop the staging table', table.name);
      await executor.query(`DROP TABLE IF EXISTS ${qualifiedName(context.dataset, staging)}`);
      catalog.delete(staging);
    }
  }
}

/**
 * Ends a resource: makes sure its tables exist (a resource without rows still gets its tables),
 * swaps staged rows in for `replace`, retires the versions an `scd2` run did not see, and stores
 * the final state — one transaction.
 */
export async function completeResource(
  context: SessionContext,
  completion: ResourceCompletion,
): Promise<void> {
  let step: { operation: string; table?: string } = { operation: 'prepare the completion' };
  const setStep = (operation: string, table?: string) => {
    step = { operation, ...(table === undefined ? {} : { table }) };
  };
  let started = false;
  const stagedForLoad = context.staged.get(completion.loadId);
  try {
    rememberTables(context, completion.tables);
    const staged = new Set<string>(
      completion.staging === 'swap-shared' ? completion.tables.map((table) => table.name) : [],
    );
    for (const [table, resource] of stagedForLoad ?? []) {
      if (resource === completion.resource) staged.add(table);
    }
    const names = new Set([...completion.tables.map((table) => table.name), ...staged]);
    const tables = [...names]
      .map((name) => context.tables.get(name))
      .filter((table): table is TableSchema => table !== undefined)
      .sort((left, right) => depthOf(context, left) - depthOf(context, right));
    await context.client.transaction(async (executor) => {
      started = true;
      setStep('check the lease', systemTables.leases);
      await fenceWrites(context, executor);
      setStep('read the catalog');
      const catalog = await currentCatalog(context, executor);
      const ddl: string[] = [];
      for (const table of tables) {
        setStep('plan schema changes', table.name);
        ddl.push(...changesFor(context, catalog, targetLayout(context, withScd2Columns(table))));
      }
      setStep('create the tables of the resource');
      await applyDdl(context, executor, ddl);
      if (completion.writeDisposition === 'replace' && completion.staging !== 'keep') {
        const onlyLoad = completion.staging === 'swap-shared' ? completion.loadId : undefined;
        await swapStagedTables(context, executor, tables, staged, setStep, onlyLoad);
      }
      for (const table of tables) {
        if (scd2Of(table) === undefined) continue;
        setStep('retire the versions this run did not see (scd2)', table.name);
        await retireAbsentVersions(context, executor, table, completion.loadId);
      }
      setStep(`store the state of resource "${completion.resource}"`, systemTables.state);
      await writeState(executor, context.dataset, context.pipeline, completion.state);
    });
  } catch (error) {
    if (started) context.catalog = undefined;
    throw operationFailed(error, context.errors, step.operation, step.table);
  }
  if (stagedForLoad) {
    for (const [table, resource] of [...stagedForLoad]) {
      if (resource === completion.resource) stagedForLoad.delete(table);
    }
  }
}
