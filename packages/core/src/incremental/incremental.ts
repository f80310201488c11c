import { hash } from 'node:crypto';
import type { IncrementalCursor } from '../contracts/destination';
import { ResponseError } from '../errors';
import { compileJsonPath, type JsonPath } from '../json-path/json-path';
import { type CursorKind, compareCursorValues, cursorKind, shiftByLag } from './cursor-values';

/** One endpoint's incremental settings, resolved from any of dlt's three config forms. */
export interface IncrementalSettings {
  /** JSONPath of the cursor in each record (nested fields too). */
  cursorPath: string;
  /** The start when no cursor is stored. */
  initialValue?: unknown;
  /** The end of the range; makes a run a stateless backfill. */
  endValue?: unknown;
  /** `max`: the cursor grows (the range is `[start, end)`); `min`: it shrinks. @default 'max' */
  lastValueFunc: 'max' | 'min';
  /** The API's order of the cursor; paging stops once rows leave the range (top-level resources). */
  rowOrder?: 'asc' | 'desc';
  /** Re-read this far back: seconds for timestamps, days for dates, units for numbers. */
  lag?: number;
  /** Records without a cursor value (missing or null). @default 'raise' */
  onCursorValueMissing: 'raise' | 'include' | 'exclude';
  /** `open` excludes rows equal to the start value. @default 'closed' */
  rangeStart: 'closed' | 'open';
  /** `closed` includes rows equal to the end value. @default 'open' */
  rangeEnd: 'open' | 'closed';
  /** Fields that identify a boundary row; `[]` turns de-duplication off; undefined: the resource's. */
  primaryKey?: string[];
  /** Applied to the values placed into requests (placeholders, start_param, end_param). */
  convert?: (value: unknown) => unknown;
  /** Deprecated form: the query parameter that gets the start value. */
  startParam?: string;
  /** Deprecated form: the query parameter that gets the end value. */
  endParam?: string;
}

/** Where an incremental request sequence runs: the resource, its cursor key and what is stored. */
export interface IncrementalScope {
  resource: string;
  /** `''` for a top-level resource; the parent's key for a child. */
  key: string;
  /** The stored cursor of this key (ignored when the cursor path changed). */
  stored: IncrementalCursor | undefined;
  /** The resource's primary key, used when the settings name none. */
  resourcePrimaryKey: string[];
}

/** The values an `{incremental.<name>}` placeholder takes, converted by `convert`. */
export const incrementalValueNames = ['start_value', 'initial_value', 'last_value', 'end_value'] as const;

/**
 * The settings an `{incremental.<name>}` placeholder may name too, as configured: as in dlt, where
 * any attribute of the incremental works.
 */
export const incrementalSettingNames = [
  'cursor_path',
  'last_value_func',
  'row_order',
  'lag',
  'on_cursor_value_missing',
  'range_start',
  'range_end',
  'primary_key',
] as const;

/** The values `{incremental.<name>}` placeholders take (a setting that is not set is undefined). */
export type IncrementalPlaceholders = Record<(typeof incrementalValueNames)[number], unknown> &
  Partial<Record<(typeof incrementalSettingNames)[number], unknown>>;

/** The incremental state of one request sequence while it runs. */
export interface IncrementalRun {
  /** The values of `{incremental.*}` placeholders for this sequence's requests. */
  readonly placeholders: IncrementalPlaceholders;
  /**
   * Keeps the records in range and advances the last value. `stop` is true when a record left the
   * range in the direction of `rowOrder`, so no later page can hold rows in range.
   */
  filter(records: Record<string, unknown>[]): { records: Record<string, unknown>[]; stop: boolean };
  /** The cursor to store with the rows filtered so far; undefined for a stateless (`endValue`) run. */
  cursor(): IncrementalCursor | undefined;
}

const identity = (value: unknown) => value;

/** The hash that identifies a boundary row: of its primary-key values, or of the whole row. */
function rowHash(record: Record<string, unknown>, primaryKey: string[]): string {
  const identifying = primaryKey.length > 0 ? primaryKey.map((field) => record[field]) : record;
  const text = JSON.stringify(identifying, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  return hash('sha256', text, 'base64url').slice(0, 22);
}

function shown(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

/**
 * A cursor value as the state document stores it. State is plain JSON, where an integer beyond
 * ±(2^53 − 1) would lose digits (or fail to serialize as a JS `bigint`), so a bigint is stored as
 * `{ "bigint": "<digits>" }`. Other values are stored as they are.
 */
export function storedCursorValue(value: unknown): unknown {
  return typeof value === 'bigint' ? { bigint: value.toString() } : value;
}

/** The cursor value a state document holds (see `storedCursorValue`). */
export function cursorValueFromState(value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { bigint?: unknown }).bigint === 'string' &&
    /^-?\d+$/.test((value as { bigint: string }).bigint)
  ) {
    return BigInt((value as { bigint: string }).bigint);
  }
  return value;
}

/**
 * Starts the incremental state of one request sequence. The start value is the stored last value,
 * else `initialValue`; after an interrupted run (a stored `runStart`) it is that run's start, so
 * rows the interrupted run never committed are read again. With `endValue` the run is stateless:
 * it starts at `initialValue` and stores nothing.
 */
export function startIncremental(settings: IncrementalSettings, scope: IncrementalScope): IncrementalRun {
  const convert = settings.convert ?? identity;
  const direction = settings.lastValueFunc === 'max' ? 1 : -1;
  const stateless = settings.endValue !== undefined;
  const stored = !stateless && scope.stored?.cursorPath === settings.cursorPath ? scope.stored : undefined;
  const primaryKey = settings.primaryKey ?? scope.resourcePrimaryKey;
  const deduplicate =
    settings.rangeStart === 'closed' && settings.lag === undefined && settings.primaryKey?.length !== 0;
  const path: JsonPath = compileJsonPath(settings.cursorPath);
  const where = `resource "${scope.resource}"${scope.key === '' ? '' : ` (parent ${scope.key})`}`;

  let startValue: unknown;
  let boundaryHashes: string[];
  let lastValue: unknown;
  let lastHashes: string[];
  if (stored?.runStart) {
    startValue = cursorValueFromState(stored.runStart.value);
    boundaryHashes = stored.runStart.uniqueHashes ?? [];
    lastValue = cursorValueFromState(stored.lastValue);
    lastHashes = stored.uniqueHashes ?? [];
  } else {
    startValue = cursorValueFromState(stored?.lastValue) ?? settings.initialValue;
    boundaryHashes = stored?.uniqueHashes ?? [];
    lastValue = startValue;
    lastHashes = boundaryHashes;
  }
  const fail = (message: string) => new ResponseError(`${where}: ${message}`);
  /** Compares under `lastValueFunc`: positive when `first` is further along than `second`. */
  const order = (first: unknown, second: unknown, what: string) => {
    try {
      return compareCursorValues(first, second) * direction;
    } catch {
      throw fail(
        `the cursor value ${shown(first)} at "${settings.cursorPath}" is a ${cursorKind(first)}, which does not ` +
          `compare with the ${what} ${shown(second)} (a ${cursorKind(second)}). Fix initial_value/end_value, ` +
          'or reset the stored state of the resource.',
      );
    }
  };

  // As in dlt, the lag never moves the start past initial_value.
  const lagged = (value: unknown) => {
    if (value === undefined || value === null || settings.lag === undefined) return value;
    let shifted: unknown;
    try {
      shifted = shiftByLag(value, settings.lag, direction === 1 ? -1 : 1);
    } catch (error) {
      throw fail(`cannot apply lag to the cursor at "${settings.cursorPath}": ${(error as Error).message}`);
    }
    const initial = settings.initialValue;
    if (initial === undefined || initial === null) return shifted;
    return order(shifted, initial, 'initial value') < 0 ? initial : shifted;
  };
  const rangeStart = lagged(startValue);
  const boundary = new Set(deduplicate ? boundaryHashes : []);
  let kind: CursorKind | undefined;

  const checkKind = (value: unknown) => {
    const found = cursorKind(value);
    if (found === undefined) {
      throw fail(
        `the cursor value ${shown(value)} at "${settings.cursorPath}" is not a timestamp, date, number or string`,
      );
    }
    if (kind === undefined) kind = found;
    else if (found !== kind) {
      throw fail(
        `the cursor at "${settings.cursorPath}" changed type: ${shown(value)} is a ${found}, earlier values were ${kind}s`,
      );
    }
  };

  // With rowOrder, which side of the range rows leave it on.
  const ascendingInRange =
    settings.rowOrder === undefined ? undefined : (settings.rowOrder === 'asc') === (direction === 1);

  const placeholders: IncrementalPlaceholders = {
    start_value: convert(rangeStart),
    initial_value: convert(settings.initialValue),
    last_value: convert(lagged(lastValue)),
    end_value: convert(settings.endValue),
    cursor_path: settings.cursorPath,
    last_value_func: settings.lastValueFunc,
    row_order: settings.rowOrder,
    lag: settings.lag,
    on_cursor_value_missing: settings.onCursorValueMissing,
    range_start: settings.rangeStart,
    range_end: settings.rangeEnd,
    // The key boundary rows are told apart by: one field as its name, several as a list.
    primary_key: primaryKey.length === 1 ? primaryKey[0] : primaryKey,
  };

  return {
    placeholders,
    filter(records) {
      const kept: Record<string, unknown>[] = [];
      let stop = false;
      for (const record of records) {
        const value = path.first(record);
        if (value === undefined || value === null) {
          if (settings.onCursorValueMissing === 'raise') {
            throw fail(
              `a record has ${value === null ? 'a null' : 'no'} cursor value at "${settings.cursorPath}". ` +
                'Fix cursor_path, or set on_cursor_value_missing to "include" or "exclude".',
            );
          }
          if (settings.onCursorValueMissing === 'include') kept.push(record);
          continue;
        }
        checkKind(value);
        if (rangeStart !== undefined && rangeStart !== null) {
          const fromStart = order(value, rangeStart, 'start value');
          if (fromStart < 0 || (fromStart === 0 && settings.rangeStart === 'open')) {
            if (ascendingInRange === false) stop = true;
            continue;
          }
          if (fromStart === 0 && boundary.has(rowHash(record, primaryKey))) continue;
        }
        if (settings.endValue !== undefined && settings.endValue !== null) {
          const fromEnd = order(value, settings.endValue, 'end value');
          if (fromEnd > 0 || (fromEnd === 0 && settings.rangeEnd === 'open')) {
            if (ascendingInRange === true) stop = true;
            continue;
          }
        }
        kept.push(record);
        const fromLast =
          lastValue === undefined || lastValue === null ? 1 : order(value, lastValue, 'last value');
        if (fromLast > 0) {
          lastValue = value;
          lastHashes = deduplicate ? [rowHash(record, primaryKey)] : [];
        } else if (fromLast === 0 && deduplicate) {
          const rowId = rowHash(record, primaryKey);
          if (!lastHashes.includes(rowId)) lastHashes = [...lastHashes, rowId];
        }
      }
      return { records: kept, stop };
    },
    cursor() {
      if (stateless) return undefined;
      return {
        cursorPath: settings.cursorPath,
        ...(lastValue === undefined ? {} : { lastValue: storedCursorValue(lastValue) }),
        ...(deduplicate ? { uniqueHashes: lastHashes } : {}),
        runStart: {
          ...(startValue === undefined ? {} : { value: storedCursorValue(startValue) }),
          ...(deduplicate ? { uniqueHashes: boundaryHashes } : {}),
        },
      };
    },
  };
}

/** The cursor a finished run stores: its last value and boundary hashes, without the run's start. */
export function completedCursor(cursor: IncrementalCursor): IncrementalCursor {
  const { runStart: _finished, ...kept } = cursor;
  return kept;
}
