import type { ResourceState, TableBatch } from '../contracts/destination';
import { type Row, systemColumns, type TableSchema } from '../contracts/schema';
import { EncodedPages, encodable, onlyRootRows, type RowEncoder } from './encoded-pages';

interface TableEntry {
  table: TableSchema;
  rows: Row[];
  /** The `add()` call of each row run: run k covers rows from `runStarts[k]` on, added by call `runAdds[k]`. */
  runAdds: number[];
  runStarts: number[];
  /** Pages the destination encoded (the entry then holds no `rows`). */
  encoded: EncodedPages;
}

/**
 * Collects normalized rows per table until a batch is full.
 *
 * A merge key repeated on two pages of one batch leaves two root rows with the same
 * `_restsync_id`; the destination keeps the last, but the child rows of both copies would land
 * (they share their `_restsync_id`s), so a later copy with fewer array elements would keep the
 * extra children of the earlier one. At `drain()`, for merge resources that have child rows, the
 * earlier copies and their descendants are dropped. (The normalizer already keeps one copy per
 * key within a page.) Resources without child rows cost nothing here.
 *
 * With an `encoder` (the session's `encodeRows`), a page of root rows alone, of a table whose
 * write keeps every row as is, is handed to the destination to encode at once, and only the
 * encoded form is kept: the row objects die with their page instead of living until the batch is
 * written. The earlier copies of a `merge` key repeated across encoded pages are dropped at
 * `drain()` (`EncodedRows.without`), so the destination meets each key once, as it would have
 * deduplicated the rows itself. A batch holds either encoded pages or rows of a table: a page
 * that would mix them is refused by `add()` (`false`), to go into the next batch.
 */
export class BatchBuffer {
  private tables = new Map<string, TableEntry>();
  private states = new Map<string, () => ResourceState>();
  private count = 0;
  private bytes = 0;
  private adds = 0;

  constructor(private readonly encoder?: RowEncoder) {}

  /** Rows added since the last drain. */
  get rowCount(): number {
    return this.count;
  }

  /**
   * Estimated memory of the rows added since the last drain, in bytes: per page, the mean size of
   * a few sampled rows times the page's row count (see `estimateRowBytes`), so the estimate costs
   * a few rows' fields per page, not a walk over every row; an encoded page counts its bytes.
   */
  get byteSize(): number {
    return this.bytes;
  }

  get isEmpty(): boolean {
    return this.count === 0 && this.states.size === 0;
  }

  /**
   * Adds the rows of one normalized page; `bytes` is its estimate when the caller already has it.
   * `encode: false` keeps its rows as they are (the pages of a page tree). Returns false, having
   * added nothing, for a page whose rows would join encoded pages of their table (or of their root
   * table): drain the buffer, then add it again (an empty buffer takes every page).
   */
  add(batches: TableBatch[], bytes?: number, encode = true): boolean {
    const single = encode && this.encoder !== undefined ? onlyRootRows(batches) : undefined;
    if (single !== undefined && encodable(single.table) && this.addEncoded(single)) return true;
    if (this.mixes(batches)) return false;
    this.bytes += bytes ?? estimatePageBytes(batches);
    this.adds += 1;
    for (const batch of batches) {
      const entry = this.entryOf(batch.table);
      if (batch.rows.length === 0) continue;
      entry.runAdds.push(this.adds);
      entry.runStarts.push(entry.rows.length);
      for (const row of batch.rows) entry.rows.push(row);
      this.count += batch.rows.length;
    }
    return true;
  }

  /**
   * Whether a page's rows (kept as rows) would join encoded pages of their table, or child rows
   * the encoded pages of their root table.
   */
  mixes(batches: TableBatch[]): boolean {
    for (const batch of batches) {
      if (batch.rows.length === 0) continue;
      if ((this.tables.get(batch.table.name)?.encoded.length ?? 0) > 0) return true;
      if (batch.table.parent === undefined) continue;
      for (const entry of this.tables.values()) {
        if (entry.table.resource === batch.table.resource && entry.encoded.length > 0) return true;
      }
    }
    return false;
  }

  private entryOf(table: TableSchema): TableEntry {
    let entry = this.tables.get(table.name);
    if (entry) {
      entry.table = table;
    } else {
      entry = { table, rows: [], runAdds: [], runStarts: [], encoded: new EncodedPages() };
      this.tables.set(table.name, entry);
    }
    return entry;
  }

  /** Has the destination encode the page's rows and keeps that; false when it declines or rows of the table are kept as rows. */
  private addEncoded(batch: TableBatch): boolean {
    for (const entry of this.tables.values()) {
      if (entry.table.resource === batch.table.resource && entry.rows.length > 0) return false;
    }
    const encoded = (this.encoder as RowEncoder)(batch.table, batch.rows);
    if (encoded === undefined) return false;
    this.entryOf(batch.table).encoded.add(batch.table, encoded, batch.rows);
    this.adds += 1;
    this.count += encoded.rowCount;
    this.bytes += encoded.byteLength;
    return true;
  }

  /**
   * The state a resource reaches with the rows added so far, as a function that makes it when the
   * batch is drained (a page's state is replaced by the next page's, so only the last one before a
   * drain is ever built).
   */
  setState(resource: string, state: () => ResourceState): void {
    this.states.set(resource, state);
  }

  /** Empties the buffer and returns what it held, without the copies later pages replaced. */
  drain(): { tables: TableBatch[]; states: ResourceState[] } {
    const entries = [...this.tables.values()];
    for (const root of entries) {
      if (root.table.parent !== undefined || root.table.writeDisposition !== 'merge') continue;
      if (root.encoded.length > 0) continue;
      if (root.table.primaryKey.length === 0) continue;
      const children = entries.filter(
        (entry) => entry.table.resource === root.table.resource && entry.table.parent !== undefined,
      );
      if (children.every((child) => child.rows.length === 0)) continue;
      dropReplacedCopies(root, children);
    }
    const drained = {
      tables: entries.map(
        (entry): TableBatch =>
          entry.encoded.length > 0
            ? { table: entry.table, rows: entry.rows, encoded: entry.encoded.drain() }
            : { table: entry.table, rows: entry.rows },
      ),
      states: [...this.states.values()].map((state) => state()),
    };
    this.tables = new Map();
    this.states = new Map();
    this.count = 0;
    this.bytes = 0;
    this.adds = 0;
    return drained;
  }
}

/** What a row costs beyond its values: the object, its hidden class share and its property slots. */
const rowOverheadBytes = 32;
const slotBytes = 8;

/**
 * An estimate of the heap a value takes: a string its length plus a header, a nested value (a
 * JSON column) its members up to a depth, anything else one slot.
 */
function estimateValueBytes(value: unknown, depth: number): number {
  if (typeof value === 'string') return 16 + value.length;
  if (typeof value !== 'object' || value === null) return slotBytes;
  if (depth >= 3) return 64;
  let bytes = rowOverheadBytes;
  for (const member of Array.isArray(value) ? value : Object.values(value)) {
    bytes += slotBytes + estimateValueBytes(member, depth + 1);
  }
  return bytes;
}

/** The estimated heap of one normalized row. */
function estimateRowBytes(row: Row): number {
  let bytes = rowOverheadBytes;
  for (const key in row) bytes += slotBytes + estimateValueBytes(row[key], 1);
  return bytes;
}

/** The estimated heap of the rows of one normalized page (see `BatchBuffer.byteSize`). */
export function estimatePageBytes(batches: TableBatch[]): number {
  let bytes = 0;
  for (const batch of batches) if (batch.rows.length > 0) bytes += estimateRowsBytes(batch.rows);
  return bytes;
}

/**
 * The heap of some rows (at least one; a page's rows of one table, or a page's records): the mean of
 * the first, middle and last row's estimate, times the count.
 */
export function estimateRowsBytes(rows: Row[]): number {
  const samples = new Set([0, rows.length >> 1, rows.length - 1]);
  let sampled = 0;
  for (const index of samples) sampled += estimateRowBytes(rows[index] as Row);
  return Math.ceil((sampled / samples.size) * rows.length);
}

/** Calls `visit(row, add)` for every row with the `add()` call that brought it. */
function eachRow(entry: TableEntry, visit: (row: Row, add: number) => void): void {
  for (let run = 0; run < entry.runStarts.length; run += 1) {
    const end = entry.runStarts[run + 1] ?? entry.rows.length;
    const add = entry.runAdds[run] as number;
    for (let index = entry.runStarts[run] as number; index < end; index += 1)
      visit(entry.rows[index] as Row, add);
  }
}

/** Keeps, per root id, the copy of the latest `add()` and only the child rows that came with it. */
function dropReplacedCopies(root: TableEntry, children: TableEntry[]): void {
  const latest = new Map<unknown, number>();
  eachRow(root, (row, add) => latest.set(row[systemColumns.id], add));
  const keep = (idColumn: string) => (entry: TableEntry) => {
    const kept: Row[] = [];
    eachRow(entry, (row, add) => {
      if (latest.get(row[idColumn]) === add) kept.push(row);
    });
    entry.rows = kept;
  };
  keep(systemColumns.id)(root);
  for (const child of children) keep(systemColumns.rootId)(child);
}
