import { DestinationError } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { keepLastPerKey } from './merge-rows';

describe('keepLastPerKey', () => {
  it('should return the rows untouched when every key is unique', () => {
    const rows = [{ id: 1 }, { id: 2 }];
    expect(keepLastPerKey(rows, ['id'], 't').rows).toBe(rows);
  });

  it('should keep the last row of each key and report the ids of the superseded rows', () => {
    const rows = [
      { id: 1, v: 'a', _restsync_id: 'r1' },
      { id: 2, v: 'b', _restsync_id: 'r2' },
      { id: 1, v: 'c', _restsync_id: 'r3' },
      { id: '1', v: 'd', _restsync_id: 'r4' },
    ];
    const result = keepLastPerKey(rows, ['id'], 't');
    expect(result.rows).toEqual([rows[1], rows[3]]);
    expect([...result.supersededIds].sort()).toEqual(['r1', 'r3']);
  });

  it('should dedupe a repeat inside rows that are otherwise in key order, and keep unordered unique rows', () => {
    const ordered = [{ id: 1 }, { id: 2 }, { id: 2, v: 'last' }, { id: 3 }];
    expect(keepLastPerKey(ordered, ['id'], 't').rows).toEqual([{ id: 1 }, { id: 2, v: 'last' }, { id: 3 }]);
    const texts = [{ id: '9' }, { id: '10' }, { id: '10', v: 'last' }];
    expect(keepLastPerKey(texts, ['id'], 't').rows).toEqual([{ id: '9' }, { id: '10', v: 'last' }]);
    const unordered = [{ id: 3 }, { id: 1 }, { id: 2 }];
    expect(keepLastPerKey(unordered, ['id'], 't').rows).toBe(unordered);
  });

  it('should compare composite keys on every column', () => {
    const rows = [
      { tenant: 'a', id: 1, v: 1 },
      { tenant: 'b', id: 1, v: 2 },
      { tenant: 'a', id: 1, v: 3 },
    ];
    expect(keepLastPerKey(rows, ['tenant', 'id'], 't').rows.map((row) => row.v)).toEqual([2, 3]);
  });

  it('should not report an id as superseded when the kept row has the same id', () => {
    const rows = [
      { id: 1, _restsync_id: 'same' },
      { id: 1, _restsync_id: 'same' },
    ];
    expect(keepLastPerKey(rows, ['id'], 't').supersededIds.size).toBe(0);
  });

  it('should throw a DestinationError naming the table, row and column of a missing key', () => {
    expect(() => keepLastPerKey([{ id: 1 }, { id: null }], ['id'], 'users')).toThrow(DestinationError);
    expect(() => keepLastPerKey([{ id: 1 }, { id: null }], ['id'], 'users')).toThrow(
      /Row 2 of table "users" has no value for primary key column "id"/,
    );
  });

  it('should compare a one-column key of numbers, of strings, and of both as text', () => {
    const numbers = [
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 1, v: 'c' },
    ];
    expect(keepLastPerKey(numbers, ['id'], 't').rows.map((row) => row.v)).toEqual(['b', 'c']);
    const strings = [
      { id: 'x', v: 'a' },
      { id: 'y', v: 'b' },
      { id: 'x', v: 'c' },
    ];
    expect(keepLastPerKey(strings, ['id'], 't').rows.map((row) => row.v)).toEqual(['b', 'c']);
    const mixed = [
      { id: 9007199254740993n, v: 'a' },
      { id: '9007199254740993', v: 'b' },
      { id: 2, v: 'c' },
      { id: true, v: 'd' },
      { id: 'true', v: 'e' },
    ];
    expect(keepLastPerKey(mixed, ['id'], 't').rows.map((row) => row.v)).toEqual(['b', 'c', 'e']);
  });

  it('should keep 0 and -0 as one key, as their text is', () => {
    const rows = [
      { id: 0, v: 'a' },
      { id: -0, v: 'b' },
    ];
    expect(keepLastPerKey(rows, ['id'], 't').rows.map((row) => row.v)).toEqual(['b']);
  });
});
