/**
 * Cursor values as the API sends them: ISO-8601 timestamps (any offset), dates, integers and
 * other numbers, and strings. Timestamps compare as instants (to the nanosecond), dates as days,
 * numbers numerically, strings by their characters.
 */

/** The kind of a cursor value; values of different kinds do not compare. */
export type CursorKind = 'timestamp' | 'date' | 'number' | 'string';

const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The kind of a value, or `undefined` for one that cannot be a cursor (objects, booleans). */
export function cursorKind(value: unknown): CursorKind | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : undefined;
  if (typeof value === 'bigint') return 'number';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : 'timestamp';
  if (typeof value !== 'string') return undefined;
  if (datePattern.test(value)) return 'date';
  if (timestampPattern.test(value)) return 'timestamp';
  return 'string';
}

/** Milliseconds since the epoch and the nanoseconds within that millisecond. */
interface Instant {
  milliseconds: number;
  nanoseconds: number;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** The instant of a timestamp or date (a date is its midnight UTC; no offset is UTC). */
export function instantOf(value: unknown): Instant | undefined {
  if (value instanceof Date) return { milliseconds: value.getTime(), nanoseconds: 0 };
  if (typeof value !== 'string') return undefined;
  const date = datePattern.exec(value);
  if (date) {
    return { milliseconds: Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])), nanoseconds: 0 };
  }
  const match = timestampPattern.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const digits = fraction.padEnd(9, '0').slice(0, 9);
  const milliseconds =
    Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second ?? 0),
    ) +
    Number(digits.slice(0, 3)) -
    offsetMinutes(zone) * 60_000;
  return { milliseconds, nanoseconds: Number(digits.slice(3)) };
}

function sign(difference: number): -1 | 0 | 1 {
  return difference < 0 ? -1 : difference > 0 ? 1 : 0;
}

/** Whether two kinds compare with each other (a date compares with a timestamp as its midnight UTC). */
export function comparableKinds(first: CursorKind, second: CursorKind): boolean {
  if (first === second) return true;
  const times: CursorKind[] = ['timestamp', 'date'];
  return times.includes(first) && times.includes(second);
}

/**
 * Compares two cursor values of comparable kinds: negative, zero or positive. Throws a `TypeError`
 * for values that do not compare (the caller names the resource and path).
 */
export function compareCursorValues(first: unknown, second: unknown): -1 | 0 | 1 {
  const firstKind = cursorKind(first);
  const secondKind = cursorKind(second);
  if (firstKind === undefined || secondKind === undefined || !comparableKinds(firstKind, secondKind)) {
    throw new TypeError(
      `${JSON.stringify(describe(first))} (${firstKind ?? typeof first}) does not compare with ` +
        `${JSON.stringify(describe(second))} (${secondKind ?? typeof second})`,
    );
  }
  if (firstKind === 'number') {
    if (typeof first === 'bigint' || typeof second === 'bigint') {
      if (Number.isInteger(first) || typeof first === 'bigint') {
        if (Number.isInteger(second) || typeof second === 'bigint') {
          const difference = BigInt(first as number | bigint) - BigInt(second as number | bigint);
          return difference < 0n ? -1 : difference > 0n ? 1 : 0;
        }
      }
    }
    return sign(Number(first) - Number(second));
  }
  if (firstKind === 'string') {
    const [left, right] = [first as string, second as string];
    return left < right ? -1 : left > right ? 1 : 0;
  }
  const left = instantOf(first) as Instant;
  const right = instantOf(second) as Instant;
  return sign(left.milliseconds - right.milliseconds) || sign(left.nanoseconds - right.nanoseconds);
}

function describe(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value;
}

/**
 * Moves a cursor value by `lag` towards the start of the range: back for `max`, forward for `min`.
 * Seconds for timestamps, days for dates, units for numbers. Strings have no lag.
 */
export function shiftByLag(value: unknown, lag: number, direction: -1 | 1): unknown {
  const kind = cursorKind(value);
  if (kind === 'number') {
    if (typeof value === 'bigint') return value + BigInt(Math.trunc(lag)) * BigInt(direction);
    return (value as number) + lag * direction;
  }
  if (kind === 'date') {
    const instant = instantOf(value) as Instant;
    return new Date(instant.milliseconds + direction * lag * 86_400_000).toISOString().slice(0, 10);
  }
  if (kind === 'timestamp') {
    const instant = instantOf(value) as Instant;
    return new Date(instant.milliseconds + direction * lag * 1000).toISOString();
  }
  throw new TypeError(
    `lag does not apply to ${kind ?? typeof value} cursor values such as ${JSON.stringify(value)}`,
  );
}

/** The conversions a JSON/YAML config names in `convert`. */
export const namedConversions = {
  /** A timestamp or date to whole seconds since the epoch. */
  epoch_seconds: (value: unknown) => convertInstant(value, (milliseconds) => Math.floor(milliseconds / 1000)),
  /** A timestamp or date to milliseconds since the epoch. */
  epoch_milliseconds: (value: unknown) => convertInstant(value, (milliseconds) => milliseconds),
  /** A timestamp to its date (`YYYY-MM-DD`, UTC). */
  date: (value: unknown) =>
    convertInstant(value, (milliseconds) => new Date(milliseconds).toISOString().slice(0, 10)),
} as const;

export type ConversionName = keyof typeof namedConversions;

function convertInstant(value: unknown, convert: (milliseconds: number) => unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number') return convert(value * 1000);
  if (typeof value === 'string' && /^\d+$/.test(value)) return convert(Number(value) * 1000);
  const instant = instantOf(value);
  if (instant === undefined) {
    throw new TypeError(`${JSON.stringify(value)} is not an ISO-8601 timestamp or date`);
  }
  return convert(instant.milliseconds);
}
