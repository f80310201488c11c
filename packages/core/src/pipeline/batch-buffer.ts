import type { ResourceState, TableBatch } from '../contracts/destination';
import { type Row, systemColumns, type TableSchema } from '../contracts/schema';

interface TableEntry {
  table: TableSchema;
  rows: Row[];
  /** The `add()` call of each row run: run k covers rows from `runStarts[k]` on, added by call `runAdds[k]`. */
  runAdds: number[];
  runStarts: number[];
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
 */
export class BatchBuffer {
  private tables = new Map<string, TableEntry>();
  private states = new Map<string, () => ResourceState>();
  private count = 0;
  private bytes = 0;
  private adds = 0;

  /** Rows added since the last drain. */
  get rowCount(): number {
    return this.count;
  }

  /**
   * Estimated memory of the rows added since the last drain, in bytes: per page, the mean size of
   * a few sampled rows times the page's row count (see `estimateRowBytes`), so the estimate costs
   * a few rows' fields per page, not a walk over every row.
   */
  get byteSize(): number {
    return this.bytes;
  }

  get isEmpty(): boolean {
    return this.count === 0 && this.states.size === 0;
  }

  /** Adds the rows of one normalized page; `bytes` is its estimate when the caller already has it. */
  add(batches: TableBatch[], bytes = estimatePageBytes(batches)): void {
    this.bytes += bytes;
    this.adds += 1;
    for (const batch of batches) {
      let entry = this.tables.get(batch.table.name);
      if (entry) {
        entry.table = batch.table;
      } else {
        entry = { table: batch.table, rows: [], runAdds: [], runStarts: [] };
        this.tables.set(batch.table.name, entry);
      }
      if (batch.rows.length === 0) continue;
      entry.runAdds.push(this.adds);
      entry.runStarts.push(entry.rows.length);
      for (const row of batch.rows) entry.rows.push(row);
      this.count += batch.rows.length;
    }
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
      if (root.table.primaryKey.length === 0) continue;
      const children = entries.filter(
        (entry) => entry.table.resource === root.table.resource && entry.table.parent !== undefined,
      );
      if (children.every((child) => child.rows.length === 0)) continue;
      dropReplacedCopies(root, children);
    }
    const drained = {
      tables: entries.map((entry) => ({ table: entry.table, rows: entry.rows })),
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
  for (const batch of batches) if (batch.rows.length > 0) bytes += estimateBatchBytes(batch.rows);
  return bytes;
}

/** The rows of one page's table: the mean of its first, middle and last row's estimate, times the count. */
function estimateBatchBytes(rows: Row[]): number {
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
