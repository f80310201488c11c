import type {
  Destination,
  DestinationSession,
  LoadBatch,
  LoadRecord,
  ResourceState,
} from '../../contracts/destination';
import type { Row, Schema } from '../../contracts/schema';
import { stringifyExactJson } from '../../http/exact-json';

/** What the in-memory destination holds; survives across `open()` calls like a database. */
export interface MemoryStore {
  tables: Map<string, Map<string, Row>>;
  states: Map<string, ResourceState>;
  schemas: Schema[];
  loads: Map<string, LoadRecord>;
  batches: LoadBatch[];
}

export interface MemoryDestinationOptions {
  /** Throw from `write` on this call number (1-based) to simulate a crash between batches. */
  failOnWrite?: number;
  /** Share a store between destinations, as two runs against one database do. */
  store?: MemoryStore;
  /** Each write waits this long before storing, to simulate a slow database. */
  writeDelayMs?: number;
  /** Called with `write:start`, `write:end`, `finishLoad`, `close` as they happen. */
  trace?: (step: string) => void;
}

export function createMemoryStore(): MemoryStore {
  return { tables: new Map(), states: new Map(), schemas: [], loads: new Map(), batches: [] };
}

/**
 * A transactional in-memory destination for pipeline tests: merge upserts by primary key,
 * append keys by `_restsync_id` + a counter, and a batch is applied all-or-nothing.
 */
export function memoryDestination(
  options: MemoryDestinationOptions = {},
): Destination & { store: MemoryStore } {
  const store = options.store ?? createMemoryStore();
  let writes = 0;
  const session: DestinationSession = {
    readSchema: async () => store.schemas.at(-1),
    readState: async (resource) => store.states.get(resource),
    startLoad: async (load) => {
      store.loads.set(load.loadId, load);
    },
    write: async (batch) => {
      writes += 1;
      options.trace?.('write:start');
      if (options.writeDelayMs) await new Promise((resolve) => setTimeout(resolve, options.writeDelayMs));
      if (writes === options.failOnWrite) throw new Error(`injected failure on write ${writes}`);
      store.batches.push(batch);
      if (batch.schema) store.schemas.push(batch.schema);
      for (const { table, rows } of batch.tables) {
        const target = store.tables.get(table.name) ?? new Map<string, Row>();
        for (const row of rows) {
          const key =
            table.primaryKey.length > 0
              ? stringifyExactJson(table.primaryKey.map((column) => row[column]))
              : `${target.size}`;
          target.set(key, row);
        }
        store.tables.set(table.name, target);
      }
      for (const state of batch.states) store.states.set(state.resource, state);
      options.trace?.('write:end');
    },
    completeResource: async (completion) => {
      store.states.set(completion.resource, completion.state);
    },
    finishLoad: async (load) => {
      options.trace?.('finishLoad');
      store.loads.set(load.loadId, load);
    },
    close: async () => {
      options.trace?.('close');
    },
  };
  return {
    kind: 'destination',
    specificationVersion: 'v1',
    type: 'memory',
    description: 'memory',
    capabilities: { transactions: true, merge: true, nesting: 'flatten' },
    store,
    open: async () => session,
  };
}
