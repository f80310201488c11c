import { describe, expect, it } from 'vitest';
import type { IncrementalCursor } from '../contracts/destination';
import { ResponseError } from '../errors';
import { completedCursor, type IncrementalSettings, startIncremental } from './incremental';

const defaults: IncrementalSettings = {
  cursorPath: 'updated_at',
  lastValueFunc: 'max',
  onCursorValueMissing: 'raise',
  rangeStart: 'closed',
  rangeEnd: 'open',
};

function run(settings: Partial<IncrementalSettings>, stored?: IncrementalCursor) {
  return startIncremental(
    { ...defaults, ...settings },
    { resource: 'issues', key: '', stored, resourcePrimaryKey: ['id'] },
  );
}

const rows = (...values: unknown[]) => values.map((value, index) => ({ id: index + 1, updated_at: value }));
const ids = (records: Record<string, unknown>[]) => records.map((record) => record.id);

describe('startIncremental', () => {
  it('should start at initial_value when no cursor is stored, and at the stored last value otherwise', () => {
    expect(run({ initialValue: 5 }).placeholders.start_value).toBe(5);
    expect(
      run({ initialValue: 5 }, { cursorPath: 'updated_at', lastValue: 9 }).placeholders.start_value,
    ).toBe(9);
    // A stored cursor of another cursor path is not this cursor.
    expect(run({ initialValue: 5 }, { cursorPath: 'other', lastValue: 9 }).placeholders.start_value).toBe(5);
  });

  it('should keep rows in [start, end) and advance the last value as rows flow', () => {
    const incremental = run({ initialValue: 3, endValue: 6 });
    const { records } = incremental.filter(rows(1, 3, 4, 5, 6, 7));
    expect(records.map((record) => record.updated_at)).toEqual([3, 4, 5]);
    const live = run({ initialValue: 3 });
    live.filter(rows(4, 8, 6));
    expect(live.cursor()?.lastValue).toBe(8);
  });

  it('should drop rows equal to the start value with range_start "open"', () => {
    const { records } = run({ initialValue: 3, rangeStart: 'open' }).filter(rows(3, 4));
    expect(records.map((record) => record.updated_at)).toEqual([4]);
  });

  it('should keep rows equal to end_value with range_end "closed"', () => {
    const { records } = run({ initialValue: 1, endValue: 4, rangeEnd: 'closed' }).filter(rows(3, 4, 5));
    expect(records.map((record) => record.updated_at)).toEqual([3, 4]);
  });

  it('should read and write no cursor with end_value (a stateless backfill)', () => {
    const incremental = run({ initialValue: 1, endValue: 10 }, { cursorPath: 'updated_at', lastValue: 8 });
    expect(incremental.placeholders.start_value).toBe(1);
    incremental.filter(rows(2, 9));
    expect(incremental.cursor()).toBeUndefined();
  });

  it('should keep a range that shrinks with last_value_func "min"', () => {
    const incremental = run({ initialValue: 10, lastValueFunc: 'min' });
    const { records } = incremental.filter(rows(12, 10, 7, 3));
    expect(records.map((record) => record.updated_at)).toEqual([10, 7, 3]);
    expect(incremental.cursor()?.lastValue).toBe(3);
  });

  it('should not load a boundary row twice: its primary-key hash is kept with the cursor', () => {
    const first = run({ initialValue: '2024-01-01T00:00:00Z' });
    first.filter([
      { id: 1, updated_at: '2024-01-02T00:00:00Z' },
      { id: 2, updated_at: '2024-01-02T00:00:00Z' },
    ]);
    const stored = completedCursor(first.cursor() as IncrementalCursor);
    expect(stored.uniqueHashes).toHaveLength(2);
    const second = run({}, stored);
    const { records } = second.filter([
      { id: 1, updated_at: '2024-01-02T00:00:00Z' },
      { id: 2, updated_at: '2024-01-02T00:00:00Z' },
      { id: 3, updated_at: '2024-01-02T00:00:00Z' },
      { id: 4, updated_at: '2024-01-03T00:00:00Z' },
    ]);
    expect(ids(records)).toEqual([3, 4]);
  });

  it('should turn de-duplication off with lag, range_start "open" and primary_key []', () => {
    const first = run({ initialValue: 1 });
    first.filter(rows(1, 2));
    const stored = completedCursor(first.cursor() as IncrementalCursor);
    expect(ids(run({ primaryKey: [] }, stored).filter(rows(2, 2)).records)).toEqual([1, 2]);
    expect(run({ lag: 1 }, stored).cursor()?.uniqueHashes).toBeUndefined();
  });

  it("should identify boundary rows by the incremental's primary_key over the resource's", () => {
    const first = run({ initialValue: 1, primaryKey: ['sku'] });
    first.filter([{ id: 1, sku: 'a', updated_at: 2 }]);
    const stored = completedCursor(first.cursor() as IncrementalCursor);
    const { records } = run({ primaryKey: ['sku'] }, stored).filter([
      { id: 2, sku: 'a', updated_at: 2 },
      { id: 1, sku: 'b', updated_at: 2 },
    ]);
    // Same sku as the stored boundary row: dropped, whatever its id; another sku: kept.
    expect(ids(records)).toEqual([1]);
    expect(records[0]?.sku).toBe('b');
  });

  it('should de-duplicate by the whole row when the resource has no primary key', () => {
    const first = startIncremental(
      { ...defaults, initialValue: 1 },
      { resource: 'r', key: '', stored: undefined, resourcePrimaryKey: [] },
    );
    first.filter([{ updated_at: 2, name: 'a' }]);
    const second = startIncremental(defaults, {
      resource: 'r',
      key: '',
      stored: completedCursor(first.cursor() as IncrementalCursor),
      resourcePrimaryKey: [],
    });
    const { records } = second.filter([
      { updated_at: 2, name: 'a' },
      { updated_at: 2, name: 'b' },
    ]);
    expect(records).toEqual([{ updated_at: 2, name: 'b' }]);
  });

  it('should move the start back by lag: seconds for timestamps, days for dates, units for numbers', () => {
    const stored = (lastValue: unknown) => ({ cursorPath: 'updated_at', lastValue });
    expect(run({ lag: 3600 }, stored('2024-01-02T00:00:00Z')).placeholders.start_value).toBe(
      '2024-01-01T23:00:00.000Z',
    );
    expect(run({ lag: 2 }, stored('2024-01-03')).placeholders.start_value).toBe('2024-01-01');
    expect(run({ lag: 5 }, stored(100)).placeholders.start_value).toBe(95);
    expect(run({ lag: 5, lastValueFunc: 'min' }, stored(100)).placeholders.start_value).toBe(105);
    const { records } = run({ lag: 5 }, stored(100)).filter(rows(94, 95, 100));
    expect(records.map((record) => record.updated_at)).toEqual([95, 100]);
  });

  it("should never move the start past initial_value with lag, as dlt's apply_lag", () => {
    const stored = (lastValue: unknown) => ({ cursorPath: 'updated_at', lastValue });
    // dlt's test_incremental_object_interpolation: the first request starts at initial_value.
    expect(run({ initialValue: 1_600_000_000, lag: 3600 }).placeholders.start_value).toBe(1_600_000_000);
    expect(
      run({ initialValue: 1_600_000_000, lag: 3600 }, stored(1_600_001_000)).placeholders.start_value,
    ).toBe(1_600_000_000);
    expect(
      run({ initialValue: 1_600_000_000, lag: 3600 }, stored(1_600_010_000)).placeholders.start_value,
    ).toBe(1_600_006_400);
    expect(
      run({ initialValue: 100, lag: 5, lastValueFunc: 'min' }, stored(98)).placeholders.start_value,
    ).toBe(100);
    const { records } = run({ initialValue: 1_600_000_000, lag: 3600 }).filter(
      rows(1_599_999_999, 1_600_000_000),
    );
    expect(records.map((record) => record.updated_at)).toEqual([1_600_000_000]);
  });

  it('should store integer cursors beyond 2^53 exactly and compare them exactly after a JSON round trip', () => {
    // A bigint cursor made the state document fail to serialize (JSON.stringify throws on a bigint).
    const first = run({ initialValue: 9_007_199_254_740_993n });
    first.filter([
      { id: 1, updated_at: 9_007_199_254_740_995n },
      { id: 2, updated_at: 9_007_199_254_740_997n },
    ]);
    const text = JSON.stringify(completedCursor(first.cursor() as IncrementalCursor));
    expect(JSON.parse(text).lastValue).toEqual({ bigint: '9007199254740997' });
    const second = run({ initialValue: 9_007_199_254_740_993n }, JSON.parse(text) as IncrementalCursor);
    expect(second.placeholders.start_value).toBe(9_007_199_254_740_997n);
    const { records } = second.filter([
      { id: 1, updated_at: 9_007_199_254_740_996n },
      { id: 2, updated_at: 9_007_199_254_740_997n },
      { id: 3, updated_at: 9_007_199_254_740_997n },
      { id: 4, updated_at: 9_007_199_254_740_998n },
    ]);
    // 996 and 997 are the same JS number: only an exact comparison keeps 996 out and 998 in.
    expect(ids(records)).toEqual([3, 4]);
    expect(completedCursor(second.cursor() as IncrementalCursor).lastValue).toEqual({
      bigint: '9007199254740998',
    });
    const interrupted = JSON.parse(JSON.stringify(second.cursor())) as IncrementalCursor;
    expect(interrupted.runStart?.value).toEqual({ bigint: '9007199254740997' });
    expect(run({}, interrupted).placeholders.start_value).toBe(9_007_199_254_740_997n);
  });

  it('should report a stop once rows leave the range in row_order', () => {
    expect(run({ initialValue: 1, endValue: 5, rowOrder: 'asc' }).filter(rows(3, 4)).stop).toBe(false);
    expect(run({ initialValue: 1, endValue: 5, rowOrder: 'asc' }).filter(rows(4, 5)).stop).toBe(true);
    expect(run({ initialValue: 3, rowOrder: 'desc' }).filter(rows(5, 2)).stop).toBe(true);
    expect(run({ initialValue: 3, rowOrder: 'asc' }).filter(rows(2, 5)).stop).toBe(false);
    expect(run({ initialValue: 1, endValue: 5 }).filter(rows(4, 5)).stop).toBe(false);
  });

  it('should raise, include or exclude records without a cursor value as on_cursor_value_missing says', () => {
    const records = [{ id: 1, updated_at: 2 }, { id: 2 }, { id: 3, updated_at: null }];
    expect(() => run({ initialValue: 1 }).filter(records)).toThrow(
      /resource "issues": a record has no cursor value at "updated_at"/,
    );
    expect(ids(run({ onCursorValueMissing: 'include' }).filter(records).records)).toEqual([1, 2, 3]);
    expect(ids(run({ onCursorValueMissing: 'exclude' }).filter(records).records)).toEqual([1]);
  });

  it('should compare ISO-8601 timestamps with any offset as instants, to the nanosecond', () => {
    const incremental = run({ initialValue: '2024-01-01T10:00:00Z' });
    const { records } = incremental.filter([
      { id: 1, updated_at: '2024-01-01T11:30:00+02:00' },
      { id: 2, updated_at: '2024-01-01T05:30:00-05:00' },
      { id: 3, updated_at: '2024-01-01T10:30:00.000000500Z' },
      { id: 4, updated_at: '2024-01-01T10:30:00.000000400Z' },
    ]);
    expect(ids(records)).toEqual([2, 3, 4]);
    expect(incremental.cursor()?.lastValue).toBe('2024-01-01T10:30:00.000000500Z');
  });

  it('should compare dates, integers beyond 2^53 and strings', () => {
    expect(run({ initialValue: '2024-02-01' }).filter(rows('2024-01-31', '2024-02-01')).records).toHaveLength(
      1,
    );
    const big = run({ initialValue: 9007199254740993n });
    expect(big.filter(rows(9007199254740992n, 9007199254740994n)).records).toHaveLength(1);
    expect(run({ initialValue: 'b' }).filter(rows('a', 'b', 'c')).records).toHaveLength(2);
  });

  it('should fail clearly, naming the resource and the path, when the cursor changes type mid-stream', () => {
    const incremental = run({ cursorPath: 'meta.updated' });
    const error = (() => {
      try {
        incremental.filter([
          { id: 1, meta: { updated: '2024-01-01T00:00:00Z' } },
          { id: 2, meta: { updated: 1700000000 } },
        ]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'resource "issues": the cursor at "meta.updated" changed type: 1700000000 is a number, earlier values were timestamps',
    );
  });

  it('should fail clearly when the cursor no longer compares with the stored one', () => {
    const incremental = run({}, { cursorPath: 'updated_at', lastValue: '2024-01-01T00:00:00Z' });
    expect(() => incremental.filter(rows(1_700_000_000))).toThrow(
      'resource "issues": the cursor value 1700000000 at "updated_at" is a number, which does not compare with ' +
        'the start value "2024-01-01T00:00:00Z" (a timestamp). Fix initial_value/end_value, or reset the stored state of the resource.',
    );
  });

  it('should read the cursor from a nested JSONPath', () => {
    const incremental = run({ cursorPath: '$.meta.updated', initialValue: 2 });
    const { records } = incremental.filter([
      { id: 1, meta: { updated: 1 } },
      { id: 2, meta: { updated: 3 } },
    ]);
    expect(ids(records)).toEqual([2]);
  });

  it('should convert the values placed into requests, and offer the settings unconverted', () => {
    const incremental = run({
      initialValue: '2024-01-01T00:00:00Z',
      convert: (value) => `at:${String(value)}`,
    });
    expect(incremental.placeholders).toEqual({
      start_value: 'at:2024-01-01T00:00:00Z',
      initial_value: 'at:2024-01-01T00:00:00Z',
      last_value: 'at:2024-01-01T00:00:00Z',
      end_value: 'at:undefined',
      cursor_path: 'updated_at',
      last_value_func: 'max',
      row_order: undefined,
      lag: undefined,
      on_cursor_value_missing: 'raise',
      range_start: 'closed',
      range_end: 'open',
      primary_key: 'id',
    });
  });

  it('should restart an interrupted run from its start, keeping the last value it reached', () => {
    const interrupted = run({ initialValue: 1 });
    interrupted.filter(rows(5, 9));
    const stored = interrupted.cursor() as IncrementalCursor;
    expect(stored.runStart).toEqual({ value: 1, uniqueHashes: [] });
    const rerun = run({ initialValue: 1 }, stored);
    expect(rerun.placeholders.start_value).toBe(1);
    expect(rerun.filter(rows(3)).records).toHaveLength(1);
    expect(rerun.cursor()?.lastValue).toBe(9);
    expect(completedCursor(rerun.cursor() as IncrementalCursor).runStart).toBeUndefined();
  });
});
