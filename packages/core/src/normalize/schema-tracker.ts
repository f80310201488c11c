/** What changed in one table since the last `takeChanges()`. */
export interface SchemaChange {
  /** Normalized table name. */
  table: string;
  /** The table did not exist before. */
  created: boolean;
  /** Columns appended (for a created table: all its columns). */
  addedColumns: string[];
  /** Existing columns whose type widened (`bigint` → `double`; in documents mode also → `json`). */
  widenedColumns: string[];
}

/** Collects schema changes and bumps the schema version once per `normalize()` call that changed anything. */
export class SchemaTracker {
  version: number;
  private changed = false;
  private changes = new Map<string, SchemaChange>();

  constructor(version: number) {
    this.version = version;
  }

  private entry(table: string): SchemaChange {
    this.changed = true;
    let change = this.changes.get(table);
    if (change === undefined) {
      change = { table, created: false, addedColumns: [], widenedColumns: [] };
      this.changes.set(table, change);
    }
    return change;
  }

  created(table: string): void {
    this.entry(table).created = true;
  }

  /** A table's key or write disposition changed (no column change). */
  updated(table: string): void {
    this.entry(table);
  }

  added(table: string, column: string): void {
    this.entry(table).addedColumns.push(column);
  }

  widened(table: string, column: string): void {
    const change = this.entry(table);
    if (!change.addedColumns.includes(column) && !change.widenedColumns.includes(column)) {
      change.widenedColumns.push(column);
    }
  }

  /** Ends a `normalize()` call: the version grows by one when anything changed during it. */
  endCall(): void {
    if (this.changed) {
      this.version += 1;
      this.changed = false;
    }
  }

  take(): SchemaChange[] {
    const changes = [...this.changes.values()];
    this.changes.clear();
    return changes;
  }
}
