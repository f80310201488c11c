import type { ResourceState, TableBatch } from '../contracts/destination';
import type { Row, TableSchema } from '../contracts/schema';

/** Collects normalized rows per table until a batch is full. */
export class BatchBuffer {
  private tables = new Map<string, { table: TableSchema; rows: Row[] }>();
  private states = new Map<string, ResourceState>();
  private count = 0;

  get rowCount(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.count === 0 && this.states.size === 0;
  }

  add(batches: TableBatch[]): void {
    for (const batch of batches) {
      const entry = this.tables.get(batch.table.name);
      if (entry) {
        entry.table = batch.table;
        for (const row of batch.rows) entry.rows.push(row);
      } else {
        this.tables.set(batch.table.name, { table: batch.table, rows: batch.rows.slice() });
      }
      this.count += batch.rows.length;
    }
  }

  setState(state: ResourceState): void {
    this.states.set(state.resource, state);
  }

  /** Empties the buffer and returns what it held. */
  drain(): { tables: TableBatch[]; states: ResourceState[] } {
    const drained = { tables: [...this.tables.values()], states: [...this.states.values()] };
    this.tables = new Map();
    this.states = new Map();
    this.count = 0;
    return drained;
  }
}
