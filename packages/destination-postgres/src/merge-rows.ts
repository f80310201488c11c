import { DestinationError, type Row, systemColumns } from '@restsync/core';
import { orderedDistinct } from '@restsync/core/adapter-utils';

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

/**
 * Keeps the last row of every primary key, in order (in-batch duplicates: last record wins).
 * Throws a DestinationError naming the table when a row has no value for a key column.
 */
export function keepLastPerKey(rows: Row[], key: readonly string[], table: string): LastPerKey {
  const keys = new Array<unknown>(rows.length);
  // A key of one column whose values are all numbers is its own map key: two numbers are the same
  // key exactly when their texts are, and no text is built per row.
  const plain = key.length === 1 && rows.every((row) => typeof row[key[0] as string] === 'number');
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row;
    let rowKey: unknown = '';
    for (let part = 0; part < key.length; part++) {
      const column = key[part] as string;
      const value = row[column];
      if (value === null || value === undefined) {
        throw new DestinationError(
          `Row ${index + 1} of table "${table}" has no value for primary key column "${column}"; ` +
            'merge needs the primary key on every row. Check the resource primaryKey.',
          { table },
        );
      }
      rowKey = plain ? value : part === 0 ? String(value) : `${rowKey}\u0000${String(value)}`;
    }
    keys[index] = rowKey;
  }
  // Rows in key order (most APIs page so) are unique without a map.
  if (key.length === 1 && orderedDistinct(keys)) return { rows, supersededIds: noIds };
  const lastIndex = new Map<unknown, number>();
  for (let index = 0; index < keys.length; index++) lastIndex.set(keys[index], index);
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
