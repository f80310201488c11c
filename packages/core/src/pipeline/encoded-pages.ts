import type { EncodedRows, TableBatch } from '../contracts/destination';
import { type Row, systemColumns, type TableSchema } from '../contracts/schema';

/** Encodes one page's rows of a table for the destination: the session's `encodeRows`. */
export type RowEncoder = (table: TableSchema, rows: readonly Row[]) => EncodedRows | undefined;

/** Whether a table's rows may be encoded page by page: a root table whose write keeps every row as is. */
export function encodable(table: TableSchema): boolean {
  if (table.parent !== undefined) return false;
  if (table.writeDisposition !== 'merge') return true;
  return (
    (table.mergeStrategy ?? 'upsert') === 'upsert' &&
    table.primaryKey.length > 0 &&
    table.hardDelete === undefined
  );
}

/** The one table of a page that has rows, when it is a root table and no other table (a child table) has any. */
export function onlyRootRows(batches: TableBatch[]): TableBatch | undefined {
  let found: TableBatch | undefined;
  for (const batch of batches) {
    if (batch.rows.length === 0) continue;
    if (found !== undefined || batch.table.parent !== undefined) return undefined;
    found = batch;
  }
  return found;
}

/** One encoded page, with its rows' keys for a `merge` table. */
interface EncodedPage {
  rows: EncodedRows;
  /** Each row's key: its primary key value, or its `_restsync_id` (made from the key) for a key of several columns. */
  keys: unknown[] | undefined;
}

/**
 * The pages of one table that the destination encoded, in page order. For a `merge` table it
 * keeps each row's key, and `drain()` cuts the earlier copies of a key repeated across pages out
 * of their pages (`EncodedRows.without`): the destination meets each key once, as when it
 * deduplicated the rows itself. Keys that rise from row to row, as most APIs page, are proved
 * unique as they arrive, with no map.
 */
export class EncodedPages {
  private pages: EncodedPage[] = [];
  private keysRising = true;
  private lastKey: unknown;

  get length(): number {
    return this.pages.length;
  }

  /** Adds a page: `rows` as the destination encoded them, `source` the rows they were made from. */
  add(table: TableSchema, rows: EncodedRows, source: readonly Row[]): void {
    if (table.writeDisposition !== 'merge') {
      this.pages.push({ rows, keys: undefined });
      return;
    }
    const column = table.primaryKey.length === 1 ? (table.primaryKey[0] as string) : systemColumns.id;
    const keys = new Array<unknown>(source.length);
    let rising = this.keysRising;
    let last = this.lastKey;
    for (let index = 0; index < source.length; index++) {
      const key = (source[index] as Row)[column];
      keys[index] = key;
      if (!rising) continue;
      if (last !== undefined && !(typeof key === typeof last && (key as number) > (last as number)))
        rising = false;
      last = key;
    }
    this.keysRising = rising;
    this.lastKey = last;
    this.pages.push({ rows, keys });
  }

  /** The pages, without the earlier copies of a repeated `merge` key (a page left with no row is dropped). */
  drain(): EncodedRows[] {
    if (this.keysRising) return this.pages.map((page) => page.rows);
    const latest = new Map<unknown, number>();
    let position = 0;
    for (const page of this.pages) for (const key of page.keys ?? []) latest.set(key, position++);
    if (latest.size === position) return this.pages.map((page) => page.rows);
    position = 0;
    const kept: EncodedRows[] = [];
    for (const page of this.pages) {
      const keys = page.keys ?? [];
      const replaced: number[] = [];
      for (let index = 0; index < keys.length; index++, position++) {
        if (latest.get(keys[index]) !== position) replaced.push(index);
      }
      if (replaced.length === keys.length) continue;
      kept.push(replaced.length === 0 ? page.rows : page.rows.without(replaced));
    }
    return kept;
  }
}
