import { hash } from 'node:crypto';
import {
  DestinationError,
  type Row,
  type Scd2Settings,
  systemColumns,
  type TableSchema,
} from '@restsync/core';
import type { AnyBulkWriteOperation, ClientSession, Collection, Db, Document } from 'mongodb';
import { type DateMode, toBsonValue } from './documents';
import { escapeFieldName } from './field-names';

/** The field an `scd2` document keeps its version's row hash in (without `row_version_column_name`). */
const rowHashField = '_restsync_row_hash';

const idLength = 32;

/** The collection noting the versions the current run of an `scd2` resource saw; dropped when it completes. */
export function seenCollectionName(collection: string): string {
  return `${collection}__restsync_seen`;
}

/** The time of this run's `scd2` changes: `boundary_timestamp`, or when the session first needed it for the load. */
export function scd2Boundary(settings: Scd2Settings, loadId: string, boundaries: Map<string, Date>): Date {
  if (settings.boundaryTimestamp !== undefined) return new Date(settings.boundaryTimestamp);
  let boundary = boundaries.get(loadId);
  if (boundary === undefined) {
    boundary = new Date();
    boundaries.set(loadId, boundary);
  }
  return boundary;
}

/** Sorted-key JSON of a value, without null fields (a field added later does not change old versions). */
function stableText(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return `${String(value)}n`;
  if (Array.isArray(value)) return `[${value.map(stableText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, item]) => item !== null && item !== undefined && !key.startsWith('_restsync_'))
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableText(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A row's version: the `row_version_column_name` value as stored, or a hash of the row; and its text. */
function versionOf(settings: Scd2Settings, row: Row, dates: DateMode): { value: unknown; text: string } {
  const value =
    settings.rowVersionColumn !== undefined
      ? toBsonValue(row[settings.rowVersionColumn], dates)
      : hash('sha1', stableText(row), 'hex').slice(0, idLength);
  return { value, text: stableText(value) };
}

function activeFilter(settings: Scd2Settings): Document {
  return {
    [escapeFieldName(settings.validTo)]:
      settings.activeRecordTimestamp === null ? null : new Date(settings.activeRecordTimestamp),
  };
}

interface Scd2Target {
  collection: Collection;
  seen: Collection;
  session: ClientSession | undefined;
  dates: DateMode;
}

/**
 * `scd2`, one batch of a collection: rows flagged by `hard_delete` retire the active version of
 * their key; with a primary key, a changed record closes its key's active version; versions not
 * active yet are inserted (valid from `boundary`); every active version of the batch is noted as
 * seen, so `retireUnseenDocuments` can retire the others when the resource completes.
 */
export async function writeScd2Documents(
  target: Scd2Target,
  table: TableSchema,
  rows: Row[],
  documents: Document[],
  loadId: string,
  boundary: Date,
  isFlagged: (row: Row) => boolean,
): Promise<void> {
  const settings = table.scd2 as Scd2Settings;
  const options = { session: target.session };
  const versionField = escapeFieldName(settings.rowVersionColumn ?? rowHashField);
  const validFrom = escapeFieldName(settings.validFrom);
  const validTo = escapeFieldName(settings.validTo);
  const active = activeFilter(settings);
  const naturalKey = table.primaryKey.length > 0 ? table.primaryKey : (table.mergeKey ?? []);
  const keyFilter = (row: Row, key: readonly string[]) =>
    Object.fromEntries(
      key.map((column) => [escapeFieldName(column), toBsonValue(row[column], target.dates)]),
    );
  const identity = (row: Row, version: string) =>
    table.primaryKey.length > 0 ? stableText(keyFilter(row, table.primaryKey)) : version;

  const last = new Map<string, number>();
  const versions = rows.map((row, index) => {
    const version = versionOf(settings, row, target.dates);
    last.set(identity(row, version.text), index);
    return version;
  });
  const retire: AnyBulkWriteOperation[] = [];
  const kept: number[] = [];
  rows.forEach((row, index) => {
    if (last.get(identity(row, (versions[index] as { text: string }).text)) !== index) return;
    if (!isFlagged(row)) {
      kept.push(index);
      return;
    }
    if (naturalKey.length === 0) {
      throw new DestinationError(
        `Table "${table.name}" (scd2) has rows flagged by hard_delete field "${table.hardDelete}" but no primary key or merge key ` +
          'to find the version they retire. Set primary_key or merge_key on the resource.',
        { table: table.name },
      );
    }
    retire.push({
      updateMany: {
        filter: { ...keyFilter(row, naturalKey), ...active },
        update: { $set: { [validTo]: boundary } },
      },
    });
  });
  if (table.primaryKey.length > 0) {
    for (const index of kept) {
      const row = rows[index] as Row;
      retire.push({
        updateMany: {
          filter: {
            ...keyFilter(row, table.primaryKey),
            ...active,
            [versionField]: { $ne: versions[index]?.value },
          },
          update: { $set: { [validTo]: boundary } },
        },
      });
    }
  }
  if (retire.length > 0) await target.collection.bulkWrite(retire, { ordered: true, ...options });

  const keptVersions = kept.map((index) => versions[index]?.value);
  const present = new Set<string>();
  const seenIds: unknown[] = [];
  const stored = await target.collection
    .find({ [versionField]: { $in: keptVersions }, ...active }, options)
    .project({
      _id: 1,
      [versionField]: 1,
      ...Object.fromEntries(table.primaryKey.map((column) => [escapeFieldName(column), 1])),
    })
    .toArray();
  for (const document of stored) {
    const key = table.primaryKey
      .map((column) => stableText(document[escapeFieldName(column)]))
      .join('\u0000');
    present.add(`${key}\u0001${stableText(document[versionField])}`);
    seenIds.push(document._id);
  }
  const inserts: Document[] = [];
  for (const index of kept) {
    const row = rows[index] as Row;
    const version = versions[index] as { value: unknown; text: string };
    const key = table.primaryKey.map((column) => stableText(row[column])).join('\u0000');
    if (present.has(`${key}\u0001${version.text}`)) continue;
    const id = hash(
      'sha1',
      `${loadId}\u0000${version.text}\u0000${String(row[systemColumns.id])}`,
      'hex',
    ).slice(0, idLength);
    const { _id: _replaced, ...fields } = documents[index] as Document;
    inserts.push({
      _id: id,
      ...fields,
      ...(settings.rowVersionColumn === undefined ? { [rowHashField]: version.value } : {}),
      [validFrom]: boundary,
      [validTo]: active[validTo],
    });
    seenIds.push(id);
  }
  if (inserts.length > 0) await target.collection.insertMany(inserts, { ordered: true, ...options });
  if (seenIds.length > 0) {
    await target.seen.bulkWrite(
      seenIds.map((id): AnyBulkWriteOperation => {
        const filter: Document = { _id: id };
        return { replaceOne: { filter, replacement: { _id: id }, upsert: true } };
      }),
      { ordered: false, ...options },
    );
  }
}

/**
 * `scd2`, when a resource completes: retires (valid to the boundary) every active version the run
 * did not see, only among the `merge_key` values it saw when there is one, then drops the seen
 * collection. A run that loaded no document retires nothing.
 */
export async function retireUnseenDocuments(
  db: Db,
  collection: string,
  table: TableSchema,
  boundary: Date,
  chunkSize: number,
): Promise<void> {
  const settings = table.scd2 as Scd2Settings;
  const seenName = seenCollectionName(collection);
  const exists = await db.listCollections({ name: seenName }, { nameOnly: true }).toArray();
  if (exists.length === 0) return;
  const seen = new Set(
    (await db.collection(seenName).find({}).project({ _id: 1 }).toArray()).map((document) =>
      stableText(document._id),
    ),
  );
  const mergeKey = (table.mergeKey ?? []).map(escapeFieldName);
  const projection = { _id: 1, ...Object.fromEntries(mergeKey.map((field) => [field, 1])) };
  const activeDocuments = await db
    .collection(collection)
    .find(activeFilter(settings))
    .project(projection)
    .toArray();
  const keyOf = (document: Document) => stableText(mergeKey.map((field) => document[field] ?? null));
  const seenKeys = new Set(
    activeDocuments.filter((document) => seen.has(stableText(document._id))).map(keyOf),
  );
  const unseen = activeDocuments
    .filter((document) => !seen.has(stableText(document._id)))
    .filter((document) => mergeKey.length === 0 || seenKeys.has(keyOf(document)))
    .map((document) => document._id);
  for (let start = 0; start < unseen.length; start += chunkSize) {
    const ids: Document = { $in: unseen.slice(start, start + chunkSize) };
    await db
      .collection(collection)
      .updateMany({ _id: ids }, { $set: { [escapeFieldName(settings.validTo)]: boundary } });
  }
  await db.collection(seenName).drop();
}
