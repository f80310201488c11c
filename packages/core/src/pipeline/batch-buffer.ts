import type { ResourceState, TableBatch } from '../contracts/destination';
import { type Row, systemColumns, type TableSchema } from '../contracts/schema';

interface TableEntry {
  table: TableSchema;
  rows: Row[];
  /** For each `add()` call that gave this table rows: its number, and where its rows start. */
  adds: number[];
  addStarts: number[];
}

/** Bookkeeping of a merge root table (a primary key and `writeDisposition: 'merge'`). */
interface MergeRoot {
  /** `_restsync_id` → index of its latest row in the root table's rows. */
  latest: Map<unknown, number>;
  /**
   * `_restsync_id` → the `add()` call that holds its latest copy, for keys repeated across calls:
   * descendant rows of that root added by an earlier call belong to a replaced copy.
   */
  replacedBefore: Map<unknown, number>;
}

/**
 * Collects normalized rows per table until a batch is full.
 *
 * Merge root tables keep the last copy of a primary key repeated across pages (same
 * `_restsync_id`), and the child rows of every earlier copy are dropped, so a later copy with
 * fewer array elements does not keep the extra children of an earlier one (they share their
 * `_restsync_id`s). Rows are marked when replaced and filtered out at `drain()`.
 */
export class BatchBuffer {
  private tables = new Map<string, TableEntry>();
  private states = new Map<string, ResourceState>();
  private mergeRoots = new Map<string, MergeRoot>();
  private dropped = new Set<Row>();
  private count = 0;
  private addCount = 0;

  /** Rows added since the last drain (replaced copies included until the drain drops them). */
  get rowCount(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.count === 0 && this.states.size === 0;
  }

  /** Adds the rows of one normalized page (root table first, then its child tables, parents before children). */
  add(batches: TableBatch[]): void {
    this.addCount += 1;
    const add = this.addCount;
    for (const batch of batches) {
      const { table } = batch;
      let entry = this.tables.get(table.name);
      if (entry) {
        entry.table = table;
      } else {
        entry = { table, rows: [], adds: [], addStarts: [] };
        this.tables.set(table.name, entry);
      }
      const start = entry.rows.length;
      if (batch.rows.length > 0) {
        entry.adds.push(add);
        entry.addStarts.push(start);
      }
      for (const row of batch.rows) entry.rows.push(row);
      this.count += batch.rows.length;
      if (table.parent === undefined && table.writeDisposition === 'merge' && table.primaryKey.length > 0) {
        this.trackRoot(table, entry, start, add);
      }
    }
  }

  setState(state: ResourceState): void {
    this.states.set(state.resource, state);
  }

  /** Empties the buffer and returns what it held, without the rows later copies replaced. */
  drain(): { tables: TableBatch[]; states: ResourceState[] } {
    const tables: TableBatch[] = [];
    for (const entry of this.tables.values()) {
      tables.push({ table: entry.table, rows: this.keptRows(entry) });
    }
    const drained = { tables, states: [...this.states.values()] };
    this.tables = new Map();
    this.states = new Map();
    this.mergeRoots = new Map();
    this.dropped = new Set();
    this.count = 0;
    this.addCount = 0;
    return drained;
  }

  /**
   * Records the rows a merge root table received (from `start` on) and marks the earlier copy of a
   * repeated id as dropped. The normalizer already keeps one copy per id within a page, so a
   * repeat always comes from an earlier `add()`, whose child rows `keptRows` then drops.
   */
  private trackRoot(table: TableSchema, entry: TableEntry, start: number, add: number): void {
    let root = this.mergeRoots.get(table.resource);
    if (root === undefined) {
      root = { latest: new Map(), replacedBefore: new Map() };
      this.mergeRoots.set(table.resource, root);
    }
    for (let index = start; index < entry.rows.length; index++) {
      const row = entry.rows[index] as Row;
      const id = row[systemColumns.id];
      const earlier = root.latest.get(id);
      if (earlier !== undefined) {
        this.dropped.add(entry.rows[earlier] as Row);
        root.replacedBefore.set(id, add);
      }
      root.latest.set(id, index);
    }
  }

  /** The rows of a table minus dropped copies and descendants of roots replaced in a later `add()`. */
  private keptRows(entry: TableEntry): Row[] {
    const replacedBefore =
      entry.table.parent === undefined
        ? undefined
        : this.mergeRoots.get(entry.table.resource)?.replacedBefore;
    const checkRoots = replacedBefore !== undefined && replacedBefore.size > 0;
    if (!checkRoots && this.dropped.size === 0) return entry.rows;
    const kept: Row[] = [];
    let segment = 0;
    for (let index = 0; index < entry.rows.length; index++) {
      const row = entry.rows[index] as Row;
      if (this.dropped.has(row)) continue;
      if (checkRoots) {
        while (segment + 1 < entry.addStarts.length && (entry.addStarts[segment + 1] as number) <= index) {
          segment += 1;
        }
        const latestAdd = replacedBefore.get(row[systemColumns.rootId]);
        if (latestAdd !== undefined && latestAdd > (entry.adds[segment] as number)) continue;
      }
      kept.push(row);
    }
    return kept;
  }
}
