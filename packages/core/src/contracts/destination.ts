import type { PaginatorCheckpoint } from './paginator';
import type { Row, Schema, TableSchema, WriteDisposition } from './schema';

/** What a destination can do; the pipeline and the conformance suite adapt to it. */
export interface DestinationCapabilities {
  /** Data and state are written in one atomic transaction. */
  transactions: boolean;
  /** Supports the `merge` write disposition. */
  merge: boolean;
  /**
   * `flatten`: rows arrive flattened (`parent__child` columns, child tables for arrays).
   * `documents`: records keep their nesting (one table per resource).
   */
  nesting: 'flatten' | 'documents';
  /** Longest identifier in bytes (Postgres: 63). */
  maxIdentifierLength?: number;
}

/** Per-resource progress stored with the data it describes. */
export interface ResourceState {
  resource: string;
  /** `in_progress` while a run is partway; `complete` after the resource finished. */
  status: 'in_progress' | 'complete';
  /** The paginator position after the last committed page (only while in progress). */
  checkpoint?: PaginatorCheckpoint;
  loadId: string;
  /** ISO timestamp. */
  updatedAt: string;
}

export interface TableBatch {
  /** The table's current schema (columns may have grown since the last batch). */
  table: TableSchema;
  rows: Row[];
}

/** One atomic unit of work: rows for one or more tables plus the state they lead to. */
export interface LoadBatch {
  loadId: string;
  /** The whole schema, present when it changed since the last stored version: store it. */
  schema?: Schema;
  tables: TableBatch[];
  /** State of every resource with rows in this batch, written in the same transaction. */
  states: ResourceState[];
}

export interface LoadRecord {
  loadId: string;
  pipeline: string;
  dataset: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Rows per table. */
  rows?: Record<string, number>;
  /** A redacted error message when failed. */
  error?: string;
}

export interface ResourceCompletion {
  loadId: string;
  resource: string;
  writeDisposition: WriteDisposition;
  /** Every table the resource filled during this run (root and child tables). */
  tables: TableSchema[];
  state: ResourceState;
}

/** An open connection to one dataset for one pipeline run. */
export interface DestinationSession {
  /** The last stored schema, so a run starts from it. */
  readSchema(): Promise<Schema | undefined>;
  /** The stored state of a resource, if any. */
  readState(resource: string): Promise<ResourceState | undefined>;
  /** Records the start of a run in `_restsync_loads`. */
  startLoad(load: LoadRecord): Promise<void>;
  /**
   * Writes a batch atomically: schema changes (new tables and columns), rows per each table's
   * write disposition, and the states. On failure nothing of the batch is visible.
   * `replace` tables are written to staging until `completeResource`.
   */
  write(batch: LoadBatch): Promise<void>;
  /** Ends a resource for this run: `replace` swaps its staging tables in atomically; the state is stored. */
  completeResource(completion: ResourceCompletion): Promise<void>;
  /** Records the end of a run. */
  finishLoad(load: LoadRecord): Promise<void>;
  close(): Promise<void>;
}

export interface DestinationOpenOptions {
  pipeline: string;
  /** Postgres: the schema; MongoDB: the database. */
  dataset: string;
}

/** A destination factory, as returned by `postgres({ url })`. */
export interface Destination {
  readonly kind: 'destination';
  /** e.g. `postgres`, `mongodb`. */
  readonly type: string;
  readonly capabilities: DestinationCapabilities;
  /** Where it writes, with any password redacted (for output). */
  readonly description: string;
  open(options: DestinationOpenOptions): Promise<DestinationSession>;
}
