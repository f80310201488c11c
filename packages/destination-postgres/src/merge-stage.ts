import { hash } from 'node:crypto';
import type { TableSchema } from '@restsync/core';
import { qualifiedName, quoteIdentifier } from './identifier';

/**
 * A merge's temporary staging table (not `replace`'s: see `stagingTableName`): its quoted name, and
 * the statement that makes sure it exists.
 */
export interface MergeStage {
  stage: string;
  /**
   * Creates it on this connection unless it is there already. It is emptied at every commit, so
   * it holds the rows of the current transaction only, and it is never dropped and re-created per
   * batch: that catalog churn cost PGlite about 10 ms a batch.
   */
  create: string;
}

/**
 * The staging table of a target table's shape, for every merge strategy. It is named after the
 * dataset, the table, its columns (names, types, nullability, precision, scale) and its key, so a
 * connection that already holds a staging table of that name holds one of that exact shape,
 * whichever session created it. A new column or a widened type is a new shape, and so a new
 * staging table.
 */
export function mergeStage(dataset: string, table: TableSchema): MergeStage {
  const shape = JSON.stringify([
    dataset,
    table.name,
    table.columns.map((column) => [
      column.name,
      column.type,
      column.nullable,
      column.precision ?? null,
      column.scale ?? null,
    ]),
    table.primaryKey,
  ]);
  const stage = quoteIdentifier(`_restsync_stage_${hash('sha1', shape).slice(0, 16)}`);
  return {
    stage,
    create: `CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${qualifiedName(dataset, table.name)}) ON COMMIT DELETE ROWS`,
  };
}
