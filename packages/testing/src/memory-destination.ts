import {
  type Destination,
  DestinationError,
  type DestinationSession,
  type Lease,
  type LeaseAttempt,
  type LeaseHolder,
  type LeaseRequest,
  type LoadRecord,
  leaseTakenOverError,
  type ResourceState,
  type Row,
  type Schema,
  stringifyExactJson,
  type TableSchema,
  type TableWriteCounts,
  type WriteResult,
} from '@restsync/core';

/** Everything one dataset holds. */
export interface MemoryDataset {
  /** Rows per table, as loaded. */
  tables: Map<string, Row[]>;
  /** Rows of `replace` tables during a run, swapped in when the resource completes. */
  staging: Map<string, Row[]>;
  /** Every schema version written; the highest is the current one. */
  schemas: Schema[];
  /** Each resource's state as JSON, by pipeline and resource. */
  states: Map<string, string>;
  /** One record per run, by load id. */
  loads: Map<string, LoadRecord>;
  /** The lease of each pipeline (one active run per pipeline and dataset), by pipeline. */
  leases: Map<string, LeaseHolder>;
}

export interface MemoryDestinationOptions {
  /** Where the datasets live, by name. Pass your own map to read the data back. @default a new map */
  store?: Map<string, MemoryDataset>;
}

/**
 * Loads into memory: a dataset is a `MemoryDataset` in `store`. Every write builds the next
 * version of the dataset and publishes it in one assignment, so a failing batch leaves nothing
 * behind: data and state are atomic, as in a database transaction. Leases live in the dataset
 * (`leases`), so sessions over the same store exclude each other and fence their writes. Records keep their nesting
 * (`nesting: 'documents'`); `merge` upserts on the primary key. `write` reports the rows it inserted
 * and updated per table (`writeCounts`).
 */
export function memoryDestination(options: MemoryDestinationOptions = {}): Destination {
  const store = options.store ?? new Map<string, MemoryDataset>();
  return {
    kind: 'destination',
    specificationVersion: 'v1',
    type: 'memory',
    capabilities: { transactions: true, merge: true, nesting: 'documents', writeCounts: true },
    description: 'memory',
    open: async ({ pipeline, dataset }) => openSession(store, pipeline, dataset),
  };
}

function openSession(store: Map<string, MemoryDataset>, pipeline: string, name: string): DestinationSession {
  if (!store.has(name)) {
    store.set(name, {
      tables: new Map(),
      staging: new Map(),
      schemas: [],
      states: new Map(),
      loads: new Map(),
      leases: new Map(),
    });
  }
  const current = () => store.get(name) as MemoryDataset;
  /** Applies `change` to a copy of the dataset and publishes the copy only if nothing threw. */
  const update = (change: (next: MemoryDataset) => void) => {
    const next = structuredClone(current());
    change(next);
    store.set(name, next);
  };
  const stateKey = (resource: string) => JSON.stringify([pipeline, resource]);
  const storeState = (next: MemoryDataset, state: ResourceState) => {
    try {
      next.states.set(stateKey(state.resource), JSON.stringify(state));
    } catch (error) {
      throw new DestinationError(
        `memory destination, dataset "${name}": the state of resource "${state.resource}" cannot be ` +
          `stored as JSON (${(error as Error).message}); checkpoints must be plain JSON values`,
        { cause: error },
      );
    }
  };
  // `replace` tables whose staging this session has started (stale staging from a crash is dropped).
  const staged = new Set<string>();
  const leases = memoryLeases(current, update, pipeline, name);

  return {
    acquireLease: leases.acquire,

    async readSchema() {
      const { schemas } = current();
      return schemas.length === 0 ? undefined : structuredClone(schemas[schemas.length - 1]);
    },

    async readState(resource) {
      const stored = current().states.get(stateKey(resource));
      return stored === undefined ? undefined : (JSON.parse(stored) as ResourceState);
    },

    async startLoad(load) {
      update((next) => {
        leases.assertHeld(next);
        next.loads.set(load.loadId, structuredClone(load));
      });
    },

    async write(batch) {
      const startedStaging: string[] = [];
      const written: WriteResult = { tables: {} };
      update((next) => {
        leases.assertHeld(next);
        if (batch.schema) next.schemas.push(structuredClone(batch.schema));
        for (const { table, rows } of batch.tables) {
          let target = next.tables;
          if (table.writeDisposition === 'replace') {
            target = next.staging;
            if (!staged.has(table.name)) {
              next.staging.set(table.name, []);
              startedStaging.push(table.name);
            }
          }
          const existing = target.get(table.name) ?? [];
          target.set(table.name, existing);
          const counts = writeRows(existing, table, structuredClone(rows));
          if (rows.length > 0) written.tables[table.name] = counts;
        }
        for (const state of batch.states) storeState(next, state);
      });
      for (const table of startedStaging) staged.add(table);
      return written;
    },

    async completeResource({ writeDisposition, tables, state }) {
      update((next) => {
        leases.assertHeld(next);
        if (writeDisposition === 'replace') {
          for (const table of tables) {
            next.tables.set(table.name, staged.has(table.name) ? (next.staging.get(table.name) ?? []) : []);
            next.staging.delete(table.name);
          }
        }
        storeState(next, state);
      });
      for (const table of tables) staged.delete(table.name);
    },

    async finishLoad(load) {
      update((next) => next.loads.set(load.loadId, structuredClone(load)));
    },

    async close() {},
  };
}

/**
 * The lease of `pipeline` on dataset `name`, stored in the dataset's `leases`: free when missing,
 * expired or held by the same run; each acquire raises the version. Once this session holds it,
 * `assertHeld` (called in every update that writes) refuses to write after a takeover.
 */
function memoryLeases(
  current: () => MemoryDataset,
  update: (change: (next: MemoryDataset) => void) => void,
  pipeline: string,
  name: string,
) {
  let heldVersion: number | undefined;
  const stored = (dataset: MemoryDataset) => dataset.leases.get(pipeline);
  const takenOver = (version: number) => {
    const holder = stored(current());
    return leaseTakenOverError({
      pipeline,
      dataset: name,
      version,
      ...(holder ? { holder: structuredClone(holder) } : {}),
    });
  };
  /** Sets the lease's expiry when it still has `version`; false when another run took it over. */
  const extend = (version: number, expiresAt: string) => {
    if (stored(current())?.version !== version) return false;
    update((next) => Object.assign(stored(next) as LeaseHolder, { expiresAt }));
    return true;
  };

  const acquire = async ({ owner, ttlMs }: LeaseRequest): Promise<LeaseAttempt> => {
    const existing = stored(current());
    const free =
      existing === undefined ||
      Date.parse(existing.expiresAt) <= Date.now() ||
      existing.owner.runId === owner.runId;
    if (!free) return { acquired: false, holder: structuredClone(existing) };
    const holder: LeaseHolder = {
      owner: structuredClone(owner),
      version: (existing?.version ?? 0) + 1,
      expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    };
    update((next) => next.leases.set(pipeline, holder));
    heldVersion = holder.version;
    let expiresAt = holder.expiresAt;
    const lease: Lease = {
      version: holder.version,
      get expiresAt() {
        return expiresAt;
      },
      async renew() {
        const next = new Date(Date.now() + ttlMs).toISOString();
        if (!extend(holder.version, next)) throw takenOver(holder.version);
        expiresAt = next;
      },
      async release() {
        extend(holder.version, new Date().toISOString());
      },
    };
    return { acquired: true, lease };
  };

  const assertHeld = (next: MemoryDataset) => {
    if (heldVersion !== undefined && stored(next)?.version !== heldVersion) throw takenOver(heldVersion);
  };

  return { acquire, assertHeld };
}

/**
 * Appends `rows`, or upserts them on the primary key (the last row with a key wins). Returns what
 * it counts as inserted and updated: every row of `append` and `replace`; for `merge`, each key of
 * the batch once, inserted when it was not stored yet, else updated.
 */
function writeRows(existing: Row[], table: TableSchema, rows: Row[]): TableWriteCounts {
  const counts = { inserted: rows.length, updated: 0 };
  if (table.writeDisposition === 'append' || table.primaryKey.length === 0) {
    existing.push(...rows);
    return counts;
  }
  const keyOf = (row: Row) => stringifyExactJson(table.primaryKey.map((column) => row[column]));
  const positions = new Map(existing.map((row, index) => [keyOf(row), index]));
  if (table.writeDisposition === 'merge') {
    const keys = new Set(rows.map(keyOf));
    counts.inserted = [...keys].filter((key) => !positions.has(key)).length;
    counts.updated = keys.size - counts.inserted;
  }
  for (const row of rows) {
    const position = positions.get(keyOf(row));
    if (position === undefined) {
      positions.set(keyOf(row), existing.length);
      existing.push(row);
    } else {
      existing[position] = row;
    }
  }
  return counts;
}
