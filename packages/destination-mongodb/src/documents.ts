import { type ColumnType, DestinationError, type Row, systemColumns, type TableSchema } from '@restsync/core';
import { Decimal128, type Document, Long } from 'mongodb';
import { escapeFieldName, isPlainObject } from './field-names';

/** How timestamp columns are stored. */
export type DateMode = 'string' | 'date';

const int32Maximum = 2 ** 31 - 1;
const int32Minimum = -(2 ** 31);
const int64Maximum = 2n ** 63n - 1n;
const int64Minimum = -(2n ** 63n);

/**
 * Maps a JSON-like value to the BSON value stored:
 * - integers within int32 stay numbers (the driver writes int32); larger safe integers become
 *   `Long` (int64), so they are stored as integers, not doubles; a `bigint` (core parses every
 *   integer beyond 2^53 exactly as one) becomes `Long`, or `Decimal128` beyond int64; a number
 *   beyond 2^53 (only from code, already imprecise) stays a double;
 * - other numbers are doubles; strings, booleans and null are kept;
 * - objects and arrays keep their nesting, with field names escaped (see `escapeFieldName`);
 * - a `Date` is stored as a BSON date in `date` mode and as its ISO string in `string` mode.
 */
export function toBsonValue(value: unknown, dates: DateMode): unknown {
  if (typeof value === 'number') {
    if (
      Number.isInteger(value) &&
      (value > int32Maximum || value < int32Minimum) &&
      Number.isSafeInteger(value)
    ) {
      return Long.fromNumber(value);
    }
    return value;
  }
  if (typeof value === 'bigint') {
    return value >= int64Minimum && value <= int64Maximum
      ? Long.fromBigInt(value)
      : Decimal128.fromString(value.toString());
  }
  if (value instanceof Date) return dates === 'date' ? value : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toBsonValue(item, dates));
  if (isPlainObject(value)) {
    const result: Document = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) result[escapeFieldName(key)] = toBsonValue(item, dates);
    }
    return result;
  }
  return value;
}

/** An ISO timestamp (or `YYYY-MM-DD` date) string as a `Date` in `date` mode; anything unparseable is kept as it is. */
function toTimestamp(value: unknown, dates: DateMode): unknown {
  if (dates !== 'date' || typeof value !== 'string') return toBsonValue(value, dates);
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed;
}

/** A number or numeric string as a `Decimal128` (exact); anything else is kept as it is. */
function toDecimal(value: unknown, dates: DateMode): unknown {
  if (typeof value !== 'number' && typeof value !== 'string') return toBsonValue(value, dates);
  try {
    return Decimal128.fromString(String(value));
  } catch {
    return value;
  }
}

/**
 * How each column type is stored, beyond `toBsonValue`: `timestamp` and `date` columns become BSON
 * dates in `date` mode, `decimal` columns `Decimal128`. `bigint` → int32/int64, `double` → double,
 * `bool` → boolean, `text` → string and `json` → nested documents and arrays need nothing more.
 */
const columnConverters: Partial<Record<ColumnType, (value: unknown, dates: DateMode) => unknown>> = {
  timestamp: toTimestamp,
  date: toTimestamp,
  decimal: toDecimal,
};

/** Where a row's `_id` comes from. */
export type IdentitySource = 'primary-key' | 'restsync-id';

/** The name a record's own `_id` field is kept under when `_id` holds the identity. */
export const sourceIdField = '\uFF3Fid';

/**
 * Builds the stored document of a row: `_id` first (see `documentId`), then every field with
 * escaped names and mapped values. A record field named `_id` that is not the identity is kept
 * as `＿id` (U+FF3F FULLWIDTH LOW LINE).
 */
export function toDocument(
  row: Row,
  table: TableSchema,
  identity: IdentitySource,
  dates: DateMode,
): Document {
  const converters = new Map<string, (value: unknown, dates: DateMode) => unknown>();
  for (const column of table.columns) {
    const converter = columnConverters[column.type];
    if (converter !== undefined) converters.set(column.name, converter);
  }
  const id = documentId(row, table, identity, dates);
  const document: Document = id === undefined ? {} : { _id: id };
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined) continue;
    const name = key === '_id' ? (id === undefined ? '_id' : sourceIdField) : escapeFieldName(key);
    const converter = converters.get(key);
    document[name] = converter === undefined ? toBsonValue(value, dates) : converter(value, dates);
  }
  return document;
}

/**
 * The `_id` of a row: the primary key value (a composite key becomes `{ k1, k2 }` in key
 * order), or the row's `_restsync_id` for `restsync-id` identity. Undefined only when a row has
 * no `_restsync_id` (the driver then generates an ObjectId).
 */
export function documentId(row: Row, table: TableSchema, identity: IdentitySource, dates: DateMode): unknown {
  if (identity === 'restsync-id') {
    const id = row[systemColumns.id];
    return id === undefined || id === null ? undefined : toBsonValue(id, dates);
  }
  const missing = table.primaryKey.filter((column) => row[column] === undefined || row[column] === null);
  if (missing.length > 0) {
    throw new DestinationError(
      `MongoDB collection for table "${table.name}": a row has no value for primary key ` +
        `${missing.map((column) => `"${column}"`).join(', ')}. Every record of resource "${table.resource}" ` +
        'needs its primary key; check the primaryKey setting of the resource.',
      { table: table.name },
    );
  }
  if (table.primaryKey.length === 1) return toBsonValue(row[table.primaryKey[0] as string], dates);
  const composite: Document = {};
  for (const column of table.primaryKey) composite[escapeFieldName(column)] = toBsonValue(row[column], dates);
  return composite;
}
