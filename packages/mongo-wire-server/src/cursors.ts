import { calculateObjectSize, type Document, Long } from 'bson';
import { commandError } from './command-context';

/** First batches hold 101 documents unless the client asks otherwise, as on MongoDB. */
const defaultFirstBatchSize = 101;
/** A batch stops growing at 16 MiB so a reply always fits in one message. */
const maximumBatchBytes = 16 * 1024 * 1024;

interface OpenCursor {
  namespace: string;
  remaining: Document[];
}

/** Open cursors of one server: results not yet returned, fetched with `getMore`. */
export interface CursorRegistry {
  /** Returns the `cursor` field of a reply (`firstBatch`, and an id when more remain). */
  open(
    namespace: string,
    documents: Document[],
    batchSize: number | undefined,
    singleBatch?: boolean,
  ): Document;
  /** Returns the `cursor` field of a `getMore` reply. */
  more(cursorId: unknown, batchSize: number | undefined): Document;
  /** Closes cursors; returns the ids that were open and those that were not. */
  kill(cursorIds: unknown[]): { killed: Long[]; notFound: Long[] };
}

export function createCursorRegistry(): CursorRegistry {
  const cursors = new Map<string, OpenCursor>();
  let nextId = 1_000_000n;

  return {
    open(namespace, documents, batchSize, singleBatch = false) {
      const size = batchSize === undefined || batchSize <= 0 ? defaultFirstBatchSize : batchSize;
      const firstBatch = takeBatch(documents, size);
      if (documents.length === 0 || singleBatch) {
        return { firstBatch, id: Long.ZERO, ns: namespace };
      }
      nextId += 1n;
      cursors.set(nextId.toString(), { namespace, remaining: documents });
      return { firstBatch, id: Long.fromBigInt(nextId), ns: namespace };
    },
    more(cursorId, batchSize) {
      const key = String(cursorId);
      const cursor = cursors.get(key);
      if (!cursor) throw commandError('cursorNotFound', `cursor id ${key} not found`);
      const nextBatch = takeBatch(cursor.remaining, batchSize && batchSize > 0 ? batchSize : Infinity);
      const exhausted = cursor.remaining.length === 0;
      if (exhausted) cursors.delete(key);
      return { nextBatch, id: exhausted ? Long.ZERO : Long.fromString(key), ns: cursor.namespace };
    },
    kill(cursorIds) {
      const killed: Long[] = [];
      const notFound: Long[] = [];
      for (const cursorId of cursorIds) {
        const key = String(cursorId);
        (cursors.delete(key) ? killed : notFound).push(Long.fromString(key));
      }
      return { killed, notFound };
    },
  };
}

/** Removes and returns up to `size` documents from the front of `documents`, bounded by bytes. */
function takeBatch(documents: Document[], size: number): Document[] {
  let count = 0;
  let bytes = 0;
  while (count < documents.length && count < size) {
    bytes += calculateObjectSize(documents[count] as Document);
    if (count > 0 && bytes > maximumBatchBytes) break;
    count += 1;
  }
  return documents.splice(0, count);
}
