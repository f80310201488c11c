import {
  DestinationError,
  type Row,
  systemColumns,
  type TableSchema,
  type TableWriteCounts,
} from '@restsync/core';
import { BSON, type Document } from 'mongodb';
import { type DateMode, toBsonValue } from './documents';
import { escapeFieldName } from './field-names';
import { insertDocuments, upsertDocuments, type WriteTarget } from './write-documents';

/** The merge strategies this destination implements. */
export const mongodbMergeStrategies = ['upsert', 'delete-insert', 'scd2'] as const;

/** How one table's part of a batch is merged. */
export interface MergePlan {
  strategy: (typeof mongodbMergeStrategies)[number];
  /** The documents to write: the last of each `_id`, without rows flagged by `hard_delete`. */
  documents: Document[];
  /** `_id`s whose stored documents are deleted first: flagged rows (upsert), every row (delete-insert by primary key). */
  deleteIds: unknown[];
  /** delete-insert by merge key: one filter per distinct merge key value of the batch. */
  mergeKeyFilters: Document[];
  /** scd2: the table and its rows (in the order of `documents`), written by `writeScd2Documents`. */
  scd2?: { table: TableSchema; rows: Row[] };
}

/** Whether a row's `hard_delete` field asks for its deletion: true for a bool column, any value otherwise. */
export function isFlagged(table: TableSchema, row: Row): boolean {
  if (table.hardDelete === undefined) return false;
  const value = row[table.hardDelete];
  const column = table.columns.find((candidate) => candidate.name === table.hardDelete);
  return column?.type === 'bool' ? value === true : value !== null && value !== undefined;
}

const idKey = (id: unknown) => BSON.EJSON.stringify({ id }, { relaxed: false });

/**
 * Plans a merge of `rows` (already converted to `documents`, in the same order). Throws a
 * `DestinationError` for a strategy this destination does not implement, or a table without the
 * key its strategy needs.
 */
export function planMerge(
  table: TableSchema,
  rows: Row[],
  documents: Document[],
  dates: DateMode,
): MergePlan {
  const strategy = table.mergeStrategy ?? 'upsert';
  if (!(mongodbMergeStrategies as readonly string[]).includes(strategy)) {
    throw new DestinationError(
      `Table "${table.name}" asks for the "${strategy}" merge strategy, which the MongoDB destination does not support ` +
        `(it supports: ${mongodbMergeStrategies.join(', ')}).`,
      { table: table.name },
    );
  }
  if (strategy === 'scd2') {
    return { strategy, documents, deleteIds: [], mergeKeyFilters: [], scd2: { table, rows } };
  }
  const mergeKey = table.mergeKey ?? [];
  const keyed = table.primaryKey.length > 0;
  if (!keyed && !(strategy === 'delete-insert' && mergeKey.length > 0)) {
    throw new DestinationError(
      `Table "${table.name}" uses the "${strategy}" merge strategy but has no primary key${strategy === 'delete-insert' ? ' or merge key' : ''}. ` +
        'Set primaryKey (or merge_key for delete-insert) on the resource.',
      { table: table.name },
    );
  }
  let indexes = rows.map((_row, index) => index);
  if (keyed) {
    const last = new Map<string, number>();
    for (const index of indexes) last.set(idKey((documents[index] as Document)._id), index);
    indexes = [...last.values()].sort((left, right) => left - right);
  }
  const plan: MergePlan = {
    strategy: strategy as MergePlan['strategy'],
    documents: [],
    deleteIds: [],
    mergeKeyFilters: [],
  };
  for (const index of indexes) {
    const document = documents[index] as Document;
    const flagged = isFlagged(table, rows[index] as Row);
    if (keyed && (flagged || strategy === 'delete-insert')) plan.deleteIds.push(document._id);
    if (!flagged) plan.documents.push(document);
  }
  if (strategy === 'delete-insert' && mergeKey.length > 0) {
    const filters = new Map<string, Document>();
    for (const row of rows) {
      const filter: Document = {};
      for (const column of mergeKey)
        filter[escapeFieldName(column)] = toBsonValue(row[column] ?? null, dates);
      filters.set(BSON.EJSON.stringify(filter, { relaxed: false }), filter);
    }
    plan.mergeKeyFilters = [...filters.values()];
  }
  return plan;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Writes a merge plan: deletes first (flagged keys; for delete-insert every key of the batch, and
 * every stored document of a merge key value written by an earlier load, so the batches of one run
 * add up), then upserts or inserts the documents. Returns the counts: upsert's (new `_id`s
 * inserted, stored ones updated); for delete-insert, the deleted documents as updated (at most the
 * documents inserted) and the other inserted documents as inserted.
 */
export async function writeMerge(
  target: WriteTarget,
  plan: MergePlan,
  loadId: string,
): Promise<TableWriteCounts> {
  const options = { session: target.session };
  let deleted = 0;
  for (const ids of chunks(plan.deleteIds, target.chunkSize)) {
    const filter: Document = { _id: { $in: ids } };
    deleted += (await target.collection.deleteMany(filter, options)).deletedCount;
  }
  for (const filters of chunks(plan.mergeKeyFilters, target.chunkSize)) {
    const result = await target.collection.deleteMany(
      { $or: filters, [escapeFieldName(systemColumns.loadId)]: { $ne: loadId } },
      options,
    );
    deleted += result.deletedCount;
  }
  if (plan.strategy === 'upsert') return await upsertDocuments(target, plan.documents);
  const written = await insertDocuments(target, plan.documents);
  const updated = Math.min(deleted, written);
  return { inserted: written - updated, updated };
}
