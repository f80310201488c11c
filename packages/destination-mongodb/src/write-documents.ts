import type { TableWriteCounts } from '@restsync/core';
import { BSON, type ClientSession, type Collection, type Document, MongoBulkWriteError } from 'mongodb';

/** Where and how a table's documents are written. */
export interface WriteTarget {
  collection: Collection;
  /** Present in transaction mode. */
  session: ClientSession | undefined;
  /** Documents per insertMany / bulkWrite call. */
  chunkSize: number;
  /**
   * Ignore duplicate `_id` errors on insert: the documents were written by an earlier attempt
   * whose state was never stored (acknowledged-batches mode replays such batches).
   */
  ignoreReplayedIds: boolean;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Appends documents: `insertMany`, unordered, chunk by chunk. Returns how many it inserted (a
 * replayed document skipped as a duplicate `_id` is not counted).
 */
export async function insertDocuments(target: WriteTarget, documents: Document[]): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(documents, target.chunkSize)) {
    try {
      const result = await target.collection.insertMany(chunk, {
        ordered: false,
        session: target.session,
        ignoreUndefined: true,
      });
      inserted += result.insertedCount;
    } catch (error) {
      if (target.ignoreReplayedIds && onlyDuplicateIds(error)) {
        inserted += (error as MongoBulkWriteError).insertedCount;
        continue;
      }
      throw error;
    }
  }
  return inserted;
}

function onlyDuplicateIds(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return (
    writeErrors.length > 0 &&
    writeErrors.every((writeError) => {
      const keyPattern = writeError.err?.keyPattern as Document | undefined;
      const onId = keyPattern
        ? Object.keys(keyPattern).join() === '_id'
        : / index: _id_ /.test(writeError.errmsg ?? '');
      return writeError.code === 11000 && onId;
    })
  );
}

/**
 * Upserts documents by `_id`: duplicates inside the batch are resolved first (the last one
 * wins), then a `bulkWrite` of `replaceOne(..., { upsert: true })`, unordered, chunk by chunk.
 * Replaying the same documents is harmless. Counts an `_id` not stored yet as inserted, a stored
 * one as updated (also when the document did not change: `matchedCount`, not `modifiedCount`).
 */
export async function upsertDocuments(target: WriteTarget, documents: Document[]): Promise<TableWriteCounts> {
  const counts = { inserted: 0, updated: 0 };
  const latest = new Map<string, Document>();
  for (const document of documents) {
    const key = BSON.EJSON.stringify(document._id, { relaxed: false });
    latest.delete(key);
    latest.set(key, document);
  }
  for (const chunk of chunks([...latest.values()], target.chunkSize)) {
    const result = await target.collection.bulkWrite(
      chunk.map((document) => ({
        replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
      })),
      { ordered: false, session: target.session, ignoreUndefined: true },
    );
    counts.inserted += result.upsertedCount;
    counts.updated += result.matchedCount;
  }
  return counts;
}
