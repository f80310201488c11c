import { DestinationError, type Row, systemColumns } from '@restsync/core';

const noIds: ReadonlySet<unknown> = new Set();

/** The rows a merge writes, and the ids of rows a later row with the same key superseded. */
export interface LastPerKey {
  rows: Row[];
  /**
   * `_restsync_id` of every superseded row (unless a kept row has the same id): the children of
   * those rows must not be written either.
   */
  supersededIds: ReadonlySet<unknown>;
}

function missingKey(table: string, index: number, column: string): DestinationError {
  return new DestinationError(
    `Row ${index + 1} of table "${table}" has no value for primary key column "${column}"; ` +
      'merge needs the primary key on every row. Check the resource primaryKey.',
    { table },
  );
}

/**
 * The key of every row, compared as text (`1` and `'1'` are one key). A one-column key whose
 * values are all numbers or all strings is the value itself: no string is built per row.
 */
function rowKeys(rows: readonly Row[], key: readonly string[], table: string): unknown[] {
  const keys = new Array<unknown>(rows.length);
  if (key.length === 1) {
    const column = key[0] as string;
    let numbers = 0;
    let strings = 0;
    for (let index = 0; index < rows.length; index++) {
      const value = (rows[index] as Row)[column];
      if (value === null || value === undefined) throw missingKey(table, index, column);
      if (typeof value === 'number') numbers += 1;
      else if (typeof value === 'string') strings += 1;
      keys[index] = value;
    }
    // Mixed types: compared as text, as below.
    if (numbers !== rows.length && strings !== rows.length) {
      for (let index = 0; index < rows.length; index++) keys[index] = String(keys[index]);
    }
    return keys;
  }
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row;
    let rowKey = '';
    for (let part = 0; part < key.length; part++) {
      const column = key[part] as string;
      const value = row[column];
      if (value === null || value === undefined) throw missingKey(table, index, column);
      rowKey = part === 0 ? String(value) : `${rowKey}\u0000${String(value)}`;
    }
    keys[index] = rowKey;
  }
  return keys;
}

/**
 * Keeps the last row of every primary key, in order (in-batch duplicates: last record wins).
 * Throws a DestinationError naming the table when a row has no value for a key column.
 */
export function keepLastPerKey(rows: Row[], key: readonly string[], table: string): LastPerKey {
  const keys = rowKeys(rows, key, table);
  const lastIndex = new Map<unknown, number>();
  for (let index = 0; index < rows.length; index++) lastIndex.set(keys[index], index);
  if (lastIndex.size === rows.length) return { rows, supersededIds: noIds };
  const kept: Row[] = [];
  const supersededIds = new Set<unknown>();
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row;
    if (lastIndex.get(keys[index]) === index) kept.push(row);
    else if (row[systemColumns.id] !== undefined) supersededIds.add(row[systemColumns.id]);
  }
  for (const row of kept) supersededIds.delete(row[systemColumns.id]);
  return { rows: kept, supersededIds };
}
