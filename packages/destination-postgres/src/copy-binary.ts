import {
  type ColumnSchema,
  type ColumnType,
  createIsoDateTimeParts,
  type Row,
  readIsoDateTime,
  type TableSchema,
} from '@restsync/core';
import type { LiveCatalog, LiveTable } from './catalog';
import type { CopyBytes } from './copy-bytes';
import type { CopyPart } from './copy-rows';
import { escapeCopyText, jsonText } from './copy-text';

/**
 * COPY's binary format, for the column types whose binary form is cheap to write and exact: a page
 * of rows encoded here costs PGlite no text parsing (its `strtod` and timestamp parser were the
 * largest part of a `COPY`). A value this encoder cannot write exactly (a timestamp in a form it
 * does not read, a text in a `bigint` column, ...) makes the whole page fall back to COPY text,
 * which Postgres parses as before.
 */

/** The Postgres type (as `format_type` prints it, without modifiers) each binary field is written in. */
const binaryTypes: Partial<Record<ColumnType, string>> = {
  bigint: 'bigint',
  double: 'double precision',
  bool: 'boolean',
  text: 'text',
  timestamp: 'timestamp with time zone',
  json: 'jsonb',
};

/** Writes one non-null value in a column's binary form; false when it cannot (the page goes as text). */
type BinaryField = (out: CopyBytes, value: unknown) => boolean;

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
/** Days from 1970-01-01 to 2000-01-01, Postgres's epoch. */
const postgresEpochDays = 10_957;
const postgresEpochMs = postgresEpochDays * 86_400_000;

function bigintField(out: CopyBytes, value: unknown): boolean {
  let exact: bigint;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      out.int32(8);
      out.int64(value);
      return true;
    }
    if (!Number.isInteger(value)) return false;
    // Beyond 2^53 the digits COPY text writes (`String`), not the double's exact value, as the text encoding stores.
    exact = BigInt(String(value));
  } else if (typeof value === 'bigint') {
    exact = value;
  } else {
    return false;
  }
  if (exact < int64Min || exact > int64Max) return false;
  out.int32(8);
  out.bigInt64(exact);
  return true;
}

function doubleField(out: CopyBytes, value: unknown): boolean {
  if (typeof value !== 'number') return false;
  out.int32(8);
  // COPY text writes -0 as "0", which Postgres reads as 0.
  out.float64(value === 0 ? 0 : value);
  return true;
}

function boolField(out: CopyBytes, value: unknown): boolean {
  if (typeof value !== 'boolean') return false;
  out.int32(1);
  out.byte(value ? 1 : 0);
  return true;
}

/** Postgres text cannot hold U+0000: it is stored as the six characters `\u0000`, as COPY text stores it. */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\u0000') : text;
}

function textField(out: CopyBytes, value: unknown): boolean {
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? jsonText(value) : String(value);
  const mark = out.openField();
  out.text(storable(text));
  out.closeField(mark);
  return true;
}

/** `jsonb`'s binary form: a version byte (1), then the JSON text. */
function jsonField(out: CopyBytes, value: unknown): boolean {
  const mark = out.openField();
  out.byte(1);
  out.text(jsonText(value));
  out.closeField(mark);
  return true;
}

function timestampField(out: CopyBytes, value: unknown): boolean {
  let micros: number | bigint | undefined;
  if (typeof value === 'string') micros = isoMicros(value);
  else if (value instanceof Date || typeof value === 'number') {
    const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
    if (!Number.isNaN(ms)) micros = micros64(ms - postgresEpochMs, 1000, 0);
  }
  if (micros === undefined) return false;
  out.int32(8);
  if (typeof micros === 'number') out.int64(micros);
  else out.bigInt64(micros);
  return true;
}

/**
 * `whole × scale + fraction` exactly: a number while it is a safe integer (dates within about 285
 * years of 2000), a bigint beyond.
 */
function micros64(whole: number, scale: number, fraction: number): number | bigint {
  const product = whole * scale;
  const micros = product + fraction;
  // A rounded product or sum is never a safe integer, so both checks prove the number exact.
  return Number.isSafeInteger(product) && Number.isSafeInteger(micros)
    ? micros
    : BigInt(whole) * BigInt(scale) + BigInt(fraction);
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year >= 1). */
function daysFromCivil(year: number, month: number, day: number): number {
  const shifted = month <= 2 ? year - 1 : year;
  const era = Math.floor(shifted / 400);
  const yearOfEra = shifted - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** What `readIsoDateTime` fills for `isoMicros`: one object for every value. */
const parts = createIsoDateTimeParts();

/**
 * Microseconds from Postgres's epoch (2000-01-01 UTC) of a date-time core's `readIsoDateTime`
 * accepts (the form the normalizer types as `timestamp`), with at most 6 fraction digits (see
 * `micros64`). Undefined for anything else, more fraction digits than Postgres keeps included: that
 * value goes to Postgres as text, which parses it as it always did.
 */
export function isoMicros(text: string): number | bigint | undefined {
  if (!readIsoDateTime(text, parts) || parts.fractionDigits > 6) return undefined;
  const seconds =
    (daysFromCivil(parts.year, parts.month, parts.day) - postgresEpochDays) * 86_400 +
    parts.hour * 3600 +
    parts.minute * 60 +
    parts.second -
    parts.offsetSeconds;
  return micros64(seconds, 1_000_000, parts.micros);
}

const binaryFields: Partial<Record<ColumnType, BinaryField>> = {
  bigint: bigintField,
  double: doubleField,
  bool: boolField,
  text: textField,
  timestamp: timestampField,
  json: jsonField,
};

/** The Postgres type each column is written in, or undefined when a column has no binary form here (`decimal`, `date`, a precision). */
export function binaryColumnTypes(columns: readonly ColumnSchema[]): string[] | undefined {
  const types: string[] = [];
  for (const column of columns) {
    const type = binaryTypes[column.type];
    if (type === undefined || column.precision !== undefined) return undefined;
    types.push(type);
  }
  return types;
}

/**
 * The binary types of a table's columns when its pages may go as COPY binary: every column has a
 * binary form here, and the table as the session last read it (`catalog`) holds each column in
 * exactly that type (a column or table not there yet is created in it). Undefined when the
 * catalog is not known (the session's first batch) or a live column differs (a `text` column
 * holding timestamps, a precision): those pages go as text.
 */
export function binaryTypesFor(catalog: LiveCatalog | undefined, table: TableSchema): string[] | undefined {
  if (catalog === undefined) return undefined;
  const types = binaryColumnTypes(table.columns);
  const live = catalog.get(table.name);
  if (types === undefined || live === undefined) return types;
  for (const [index, column] of table.columns.entries()) {
    const liveType = live.columns.get(column.name);
    if (liveType !== undefined && liveType !== types[index]) return undefined;
  }
  return types;
}

/** Whether a binary part's columns are, in `live` (the table it is copied into), the types it was written in. */
export function matchesLive(part: CopyPart, live: LiveTable | undefined): boolean {
  const { types } = part;
  if (types === undefined || live === undefined) return false;
  return part.columns.every((column, index) => live.columns.get(column) === types[index]);
}

/**
 * Encodes rows as the tuples of COPY binary (no header or trailer: see `binaryCopyData`) into
 * `out`, in the order of `columns`. Undefined, with `out` as it was, when a value has no exact
 * binary form here: the caller encodes the rows as text instead.
 */
export function encodeCopyBinary(
  rows: readonly Row[],
  columns: readonly ColumnSchema[],
  out: CopyBytes,
): Buffer | undefined {
  const names = columns.map((column) => column.name);
  const fields = columns.map((column) => binaryFields[column.type] as BinaryField);
  const count = names.length;
  out.begin();
  for (const row of rows) {
    out.int16(count);
    for (let index = 0; index < count; index++) {
      const value = row[names[index] as string];
      if (value === null || value === undefined) out.int32(-1);
      else if (!(fields[index] as BinaryField)(out, value)) {
        out.rewind();
        return undefined;
      }
    }
  }
  return out.take();
}

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** The signature, no flags, no header extension. */
const header = Buffer.concat([signature, Buffer.alloc(8)]);
/** A field count of -1. */
const trailer = Buffer.from([0xff, 0xff]);

/** A whole COPY binary stream: the header, `tuples`, the trailer. */
export function binaryCopyData(tuples: Uint8Array): Buffer {
  return Buffer.concat([header, tuples, trailer]);
}

/** Where each tuple of `tuples` ends, in order (the first `limit` of them). */
export function binaryTupleEnds(tuples: Uint8Array, limit = Number.POSITIVE_INFINITY): number[] {
  const view = Buffer.from(tuples.buffer, tuples.byteOffset, tuples.byteLength);
  const ends: number[] = [];
  let offset = 0;
  while (offset < view.length && ends.length < limit) {
    const fields = view.readInt16BE(offset);
    offset += 2;
    for (let field = 0; field < fields; field++) {
      const length = view.readInt32BE(offset);
      offset += 4 + Math.max(0, length);
    }
    ends.push(offset);
  }
  return ends;
}

/** Postgres microseconds to an ISO text with microseconds and `Z`. */
function microsText(micros: bigint): string {
  const ms = micros / 1000n + BigInt(postgresEpochMs);
  let rest = micros % 1000n;
  let whole = ms;
  if (rest < 0n) {
    rest += 1000n;
    whole -= 1n;
  }
  const iso = new Date(Number(whole)).toISOString();
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** One binary field of `type` as a COPY text field (escaped), as the text encoding writes the value. */
function fieldText(bytes: Buffer, type: string | undefined): string {
  switch (type) {
    case 'bigint':
      return bytes.readBigInt64BE(0).toString();
    case 'double precision':
      return String(bytes.readDoubleBE(0));
    case 'boolean':
      return bytes[0] === 1 ? 't' : 'f';
    case 'timestamp with time zone':
      return microsText(bytes.readBigInt64BE(0));
    case 'jsonb':
      return escapeCopyText(bytes.toString('utf8', 1));
    default:
      return escapeCopyText(bytes.toString('utf8'));
  }
}

/**
 * COPY binary tuples, written in `types`, as COPY text: for a part whose table's column types
 * changed after its pages were encoded (a `bigint` column widened to `double precision` within a
 * batch), which Postgres then parses into the column's current type.
 */
export function binaryToText(tuples: Uint8Array, types: readonly string[]): Buffer {
  const view = Buffer.from(tuples.buffer, tuples.byteOffset, tuples.byteLength);
  const lines: string[] = [];
  let offset = 0;
  while (offset < view.length) {
    const fields = view.readInt16BE(offset);
    offset += 2;
    const line: string[] = [];
    for (let field = 0; field < fields; field++) {
      const length = view.readInt32BE(offset);
      offset += 4;
      if (length < 0) {
        line.push('\\N');
        continue;
      }
      line.push(fieldText(view.subarray(offset, offset + length), types[field]));
      offset += length;
    }
    lines.push(`${line.join('\t')}\n`);
  }
  return Buffer.from(lines.join(''), 'utf8');
}
