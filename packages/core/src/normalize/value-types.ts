import type { ColumnType } from '../contracts/schema';

/** 2^63: the first integer a signed 64-bit column cannot hold. */
const int64Limit = 2 ** 63;
const int64LimitBig = 2n ** 63n;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const daysPerMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A plain object (a JSON object): flattened into columns, never a Date or an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Whether a number fits a signed 64-bit integer column. */
export function isInt64(value: number): boolean {
  return Number.isInteger(value) && value < int64Limit && value >= -int64Limit;
}

/** Whether a JS bigint fits a signed 64-bit integer column. */
function isInt64Bigint(value: bigint): boolean {
  return value < int64LimitBig && value >= -int64LimitBig;
}

/** The fields of an RFC 3339 date-time, as `readIsoDateTime` reads them. */
export interface IsoDateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The fraction's first 6 digits, in microseconds. */
  micros: number;
  /** How many fraction digits the text has (0 to 9). */
  fractionDigits: number;
  /** The zone's offset east of UTC, in seconds (`Z`: 0). */
  offsetSeconds: number;
}

/** A parts object for `readIsoDateTime` to fill, every field 0: make one and reuse it for every value. */
export function createIsoDateTimeParts(): IsoDateTimeParts {
  return {
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    micros: 0,
    fractionDigits: 0,
    offsetSeconds: 0,
  };
}

/** Filled by `isIsoDateTime`, which needs no parts: one object for every call. */
const scratchParts = createIsoDateTimeParts();

/**
 * Whether a string is an ISO 8601 / RFC 3339 date-time that every destination parses the same way:
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or an offset (`+02:00`, `+0200`, `+02`).
 * A date-time without a zone, a date alone, or an impossible date (`2024-02-30`) does not match.
 */
export function isIsoDateTime(value: string): boolean {
  return readIsoDateTime(value, scratchParts);
}

/**
 * Reads a date-time `isIsoDateTime` accepts into `parts` (the caller's object, reused: no
 * allocation per value); false, with `parts` partly written, for anything else.
 */
export function readIsoDateTime(value: string, parts: IsoDateTimeParts): boolean {
  // Read character by character (no regex, no match array): every timestamp of every row passes here.
  const length = value.length;
  if (length < 17 || length > 40) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84) return false;
  if (value.charCodeAt(13) !== 58) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return false;
  let index = 16;
  let second = 0;
  let micros = 0;
  let fractionDigits = 0;
  if (value.charCodeAt(index) === 58) {
    second = digits(value, index + 1, 2);
    if (second < 0) return false;
    index += 3;
    if (value.charCodeAt(index) === 46) {
      const fractionStart = index + 1;
      index = fractionStart;
      let scale = 100_000;
      for (; index < length; index++) {
        const code = value.charCodeAt(index);
        if (!isDigitCode(code)) break;
        if (scale >= 1) micros += (code - 48) * scale;
        scale /= 10;
      }
      fractionDigits = index - fractionStart;
      if (fractionDigits < 1 || fractionDigits > 9) return false;
    }
  }
  let offsetSeconds = 0;
  const zone = value.charCodeAt(index);
  if (zone === 90) {
    if (index + 1 !== length) return false;
  } else if (zone === 43 || zone === 45) {
    const offsetHours = digits(value, index + 1, 2);
    if (offsetHours < 0 || offsetHours > 14) return false;
    index += 3;
    let offsetMinutes = 0;
    if (index !== length) {
      if (value.charCodeAt(index) === 58) index += 1;
      offsetMinutes = digits(value, index, 2);
      if (offsetMinutes < 0 || offsetMinutes > 59 || index + 2 !== length) return false;
    }
    offsetSeconds = (zone === 43 ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60);
  } else {
    return false;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > (daysPerMonth[month - 1] ?? 0)) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  parts.year = year;
  parts.month = month;
  parts.day = day;
  parts.hour = hour;
  parts.minute = minute;
  parts.second = second;
  parts.micros = micros;
  parts.fractionDigits = fractionDigits;
  parts.offsetSeconds = offsetSeconds;
  return true;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The number written by `count` decimal digits from `start`; -1 when one of them is not a digit. */
function digits(value: string, start: number, count: number): number {
  let result = 0;
  for (let index = start; index < start + count; index++) {
    const code = value.charCodeAt(index);
    if (!isDigitCode(code)) return -1;
    result = result * 10 + (code - 48);
  }
  return result;
}

/**
 * The column type a scalar or JSON value gets on its own: integers (within 64 bits) → `bigint`,
 * other numbers → `double`, a JS bigint (an integer parsed exactly beyond 2^53) → `bigint` within
 * 64 bits and `decimal` beyond, booleans → `bool`, ISO date-time strings → `timestamp`, other
 * strings → `text`, objects and arrays → `json`. `date` is never inferred.
 * Run `prepareValue` first on a `Date`.
 */
export function inferType(value: unknown): ColumnType {
  switch (typeof value) {
    case 'string':
      return isIsoDateTime(value) ? 'timestamp' : 'text';
    case 'number':
      return isInt64(value) ? 'bigint' : 'double';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return isInt64Bigint(value) ? 'bigint' : 'decimal';
    default:
      return 'json';
  }
}

/**
 * Whether a column of `type` holds `value` unchanged: `double` accepts every number, `bigint` only
 * 64-bit integers (numbers or JS bigints), `timestamp` only ISO date-time strings, `date` only
 * `YYYY-MM-DD` strings, `decimal` numbers, JS bigints and numeric strings, `json` only objects and
 * arrays. A `double` column does not accept a JS bigint: it would round it.
 */
export function accepts(type: ColumnType, value: unknown): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string';
    case 'bigint':
      return typeof value === 'number' ? isInt64(value) : typeof value === 'bigint' && isInt64Bigint(value);
    case 'double':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'string' && isIsoDateTime(value);
    case 'date':
      return typeof value === 'string' && isoDate.test(value);
    case 'decimal':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        typeof value === 'bigint' ||
        (typeof value === 'string' && decimal.test(value))
      );
    case 'json':
      return typeof value === 'object' && value !== null;
  }
}

/**
 * The type a column of `type` widens to so that it holds `value` (which it does not accept):
 * `bigint` → `double` for a fractional number, `bigint` → `decimal` for a JS bigint beyond 64
 * bits. Undefined when no widening applies (the value goes to a variant column instead).
 */
export function widenedType(type: ColumnType, value: unknown): ColumnType | undefined {
  if (type !== 'bigint') return undefined;
  if (typeof value === 'number') return 'double';
  return typeof value === 'bigint' ? 'decimal' : undefined;
}

/** Turns a `Date` into its ISO string (an invalid one into its text) before typing. */
export function prepareValue(value: Date): string {
  return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
}
