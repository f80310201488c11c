import { hash } from 'node:crypto';
import {
  DestinationError,
  type Row,
  type Scd2Settings,
  scd2RowHash,
  scd2ValueText,
  systemColumns,
  type TableSchema,
  type TableWriteCounts,
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

/**
 * A row's version: the `row_version_column_name` value as stored, or the row hash every
 * destination shares (`scd2RowHash`); and its text.
 */
function versionOf(settings: Scd2Settings, row: Row, dates: DateMode): { value: unknown; text: string } {
  const value =
    settings.rowVersionColumn !== undefined
      ? toBsonValue(row[settings.rowVersionColumn], dates)
      : scd2RowHash(row);
  return { value, text: scd2ValueText(value) };
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
 * seen, so `retireUnseenDocuments` can retire the others when the resource completes. Counts a
 * new version that retired its key's active version as updated, any other new version as inserted.
 */
export async function writeScd2Documents(
  target: Scd2Target,
  table: TableSchema,
  rows: Row[],
  documents: Document[],
  loadId: string,
  boundary: Date,
  isFlagged: (row: Row) => boolean,
): Promise<TableWriteCounts> {
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
    table.primaryKey.length > 0 ? scd2ValueText(keyFilter(row, table.primaryKey)) : version;

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
  if (retire.length > 0) await target.collection.bulkWrite(retire, { ordered: true, ...options });
  const close: AnyBulkWriteOperation[] = [];
  if (table.primaryKey.length > 0) {
    for (const index of kept) {
      const row = rows[index] as Row;
      close.push({
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
  const changed =
    close.length > 0
      ? (await target.collection.bulkWrite(close, { ordered: true, ...options })).modifiedCount
      : 0;

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
      .map((column) => scd2ValueText(document[escapeFieldName(column)]))
      .join('\u0000');
    present.add(`${key}\u0001${scd2ValueText(document[versionField])}`);
    seenIds.push(document._id);
  }
  const inserts: Document[] = [];
  for (const index of kept) {
    const row = rows[index] as Row;
    const version = versions[index] as { value: unknown; text: string };
    const key = table.primaryKey.map((column) => scd2ValueText(row[column])).join('\u0000');
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
  const updated = Math.min(changed, inserts.length);
  return { inserted: inserts.length - updated, updated };
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
      scd2ValueText(document._id),
    ),
  );
  const mergeKey = (table.mergeKey ?? []).map(escapeFieldName);
  const projection = { _id: 1, ...Object.fromEntries(mergeKey.map((field) => [field, 1])) };
  const activeDocuments = await db
    .collection(collection)
    .find(activeFilter(settings))
    .project(projection)
    .toArray();
  const keyOf = (document: Document) => scd2ValueText(mergeKey.map((field) => document[field] ?? null));
  const seenKeys = new Set(
    activeDocuments.filter((document) => seen.has(scd2ValueText(document._id))).map(keyOf),
  );
  const unseen = activeDocuments
    .filter((document) => !seen.has(scd2ValueText(document._id)))
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
