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

/** Appends documents: `insertMany`, unordered, chunk by chunk. */
export async function insertDocuments(target: WriteTarget, documents: Document[]): Promise<void> {
  for (const chunk of chunks(documents, target.chunkSize)) {
    try {
      await target.collection.insertMany(chunk, {
        ordered: false,
        session: target.session,
        ignoreUndefined: true,
      });
    } catch (error) {
      if (target.ignoreReplayedIds && onlyDuplicateIds(error)) continue;
      throw error;
    }
  }
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
 * Replaying the same documents is harmless.
 */
export async function upsertDocuments(target: WriteTarget, documents: Document[]): Promise<void> {
  const latest = new Map<string, Document>();
  for (const document of documents) {
    const key = BSON.EJSON.stringify(document._id, { relaxed: false });
    latest.delete(key);
    latest.set(key, document);
  }
  for (const chunk of chunks([...latest.values()], target.chunkSize)) {
    await target.collection.bulkWrite(
      chunk.map((document) => ({
        replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
      })),
      { ordered: false, session: target.session, ignoreUndefined: true },
    );
  }
}
