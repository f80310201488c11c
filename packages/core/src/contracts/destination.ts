import type { PaginatorCheckpoint } from './paginator';
import type { MergeStrategy, Row, Schema, TableSchema, WriteDisposition } from './schema';

/** What a destination can do; the pipeline and the conformance suite adapt to it. */
export interface DestinationCapabilities {
  /** Data and state are written in one atomic transaction. */
  transactions: boolean;
  /** Supports the `merge` write disposition. */
  merge: boolean;
  /**
   * The merge strategies it implements (with `merge: true`). A table asking for another one is a
   * `ConfigError` before the first request. @default ['upsert']
   */
  mergeStrategies?: readonly MergeStrategy[];
  /**
   * `flatten`: rows arrive flattened (`parent__child` columns, child tables for arrays).
   * `documents`: records keep their nesting (one table per resource).
   */
  nesting: 'flatten' | 'documents';
  /** Longest identifier in bytes (Postgres: 63). */
  maxIdentifierLength?: number;
  /**
   * `write` resolves with a `WriteResult`: how many rows of each table it inserted and updated.
   * Without it `write` may resolve with nothing, and runs report no inserted / updated counts.
   * @default false
   */
  writeCounts?: boolean;
  /**
   * Opening a session takes long: hundreds of milliseconds, an embedded database starting up. The
   * pipeline then starts a source that allows it (`Source.earlyStart`) while the destination opens.
   * The price, paid only by a run that resumes from a checkpoint or waits for the lease: up to four
   * batches of requests fetched and dropped. @default false
   */
  slowOpen?: boolean;
}

/** The format version of the `ResourceState` documents this version of restsync writes. */
export const resourceStateFormatVersion = 1;

/** The incremental-loading position of one request sequence (a resource, or one parent's children). */
export interface IncrementalCursor {
  /** The path of the cursor field in the records, e.g. `updated_at`. */
  cursorPath: string;
  /**
   * The cursor value reached by the committed records (the highest, or the lowest for a descending
   * cursor); the next run requests records from here on. Any JSON value.
   */
  lastValue?: unknown;
  /**
   * Hashes of the rows whose cursor equals `lastValue` (their primary key, or the whole row), so
   * the next run, which starts at `lastValue`, does not load them twice.
   */
  uniqueHashes?: string[];
  /**
   * Set while a run is partway: the start value and boundary hashes that run began with. A rerun
   * after an interruption starts there again, so rows the interrupted run never committed are read.
   * Removed when the resource completes.
   */
  runStart?: { value?: unknown; uniqueHashes?: string[] };
}

/** Incremental-loading cursors of a resource. */
export interface IncrementalState {
  /**
   * Cursor per request sequence: the key `''` for a resource without a parent; for a child
   * resource, the parent's key (see `ParentPosition`), so each parent keeps its own cursor.
   */
  cursors: Record<string, IncrementalCursor>;
}

/** How far a child resource got for one parent record. */
export interface ParentPosition {
  /** `complete` when every page of this parent's children is committed. */
  status: 'in_progress' | 'complete';
  /** The paginator position after this parent's last committed child page (only while in progress). */
  checkpoint?: PaginatorCheckpoint;
}

/**
 * Who may write a resource's state in a distributed run. A writer holds the lease while it works on
 * the resource; a write from a holder of an older lease is rejected (compare-and-set on `version`).
 */
export interface ResourceLease {
  /** The worker holding the lease (a stable, unique worker id; never a secret). */
  owner: string;
  /** A fencing token: grows by one every time the lease is taken; a state write must carry the current one. */
  version: number;
  /** ISO timestamp after which another worker may take the lease. */
  expiresAt?: string;
}

/**
 * The state of one resource of one pipeline: one versioned JSON document, written with the data it
 * describes. Destinations store it whole and opaquely (a `jsonb` value, a sub-document) keyed by
 * pipeline and resource, and return it as stored, including fields they do not know (written by a
 * newer restsync). Documents stored by restsync 0.x are read with `migrateResourceState`.
 */
export interface ResourceState {
  /** The document's format; `resourceStateFormatVersion` (1) for documents this version writes. */
  formatVersion: typeof resourceStateFormatVersion;
  /** The resource's name, as in the source. */
  resource: string;
  /** `in_progress` while a run is partway; `complete` after the resource finished. */
  status: 'in_progress' | 'complete';
  /** The load (run) that wrote this document. */
  loadId: string;
  /** When the document was written (ISO timestamp). */
  updatedAt: string;
  /** The paginator position after the last committed page (only while in progress). */
  checkpoint?: PaginatorCheckpoint;
  /** Incremental-loading cursors, kept across runs. */
  incremental?: IncrementalState;
  /** Per-parent progress of a child resource, by parent key (the parent row's `_restsync_id`). */
  parents?: Record<string, ParentPosition>;
  /** The lease of a distributed run; absent for in-process runs. */
  lease?: ResourceLease;
}

export interface TableBatch {
  /** The table's current schema (columns may have grown since the last batch). */
  table: TableSchema;
  rows: Row[];
  /**
   * Rows the session encoded page by page as they arrived (see `DestinationSession.encodeRows`),
   * in page order, instead of `rows` (which is then empty). The pipeline dropped every row a later
   * row of the batch with the same primary key replaced, so no key repeats among them. Only for a
   * root table of a session that implements `encodeRows`.
   */
  encoded?: EncodedRows[];
}

/**
 * One page's rows of one table, encoded by the destination for its later `write` (see
 * `DestinationSession.encodeRows`). The pipeline keeps this instead of the row objects until the
 * batch is written, and reads only the members below.
 */
export interface EncodedRows {
  /** The column of each encoded field, in order: the table's columns when the page was encoded. */
  readonly columns: readonly string[];
  /** How many rows it holds. */
  readonly rowCount: number;
  /** Its size in bytes; counts toward the batch's memory bound (`batchBytes`). */
  readonly byteLength: number;
  /**
   * The same rows without those at `indexes` (ascending, each below `rowCount`): earlier copies of
   * keys that a later row of the batch replaced.
   */
  without(indexes: readonly number[]): EncodedRows;
}

/** How many rows a table batch holds: its `rows` and its `encoded` pages. */
export function tableBatchRowCount(batch: TableBatch): number {
  let count = batch.rows.length;
  if (batch.encoded !== undefined) for (const part of batch.encoded) count += part.rowCount;
  return count;
}

/** One atomic unit of work: rows for one or more tables plus the state they lead to. */
export interface LoadBatch {
  loadId: string;
  /** The whole schema, present when it changed since the last stored version: store it. */
  schema?: Schema;
  tables: TableBatch[];
  /** State document of every resource with rows in this batch, stored whole in the same transaction. */
  states: ResourceState[];
  /**
   * `replace` rows go to a staging table that other sessions of the same load fill too (the units
   * of a distributed run): add to it, never empty it first. Only this load's rows are swapped in.
   */
  sharedStaging?: boolean;
}

/**
 * What one `write` did to one table (its physical rows; a `replace` table's staging table):
 * - `append`, `replace`: `inserted` is every row written, `updated` is 0.
 * - `merge` / `upsert`: `inserted` counts rows whose primary key was not stored yet, `updated` the
 *   rows that overwrote a stored row of their key, also when none of its values changed (the
 *   destination does not compare values). Rows flagged by `hard_delete` count in neither.
 * - `merge` / `delete-insert`: `updated` counts the stored rows the batch deleted and wrote again
 *   (at most the rows written), `inserted` the other rows written.
 * - `merge` / `scd2`: `inserted` counts new versions of keys without an active version, `updated`
 *   the new versions that retired the active version of their key (a changed record). A record
 *   whose version is already active counts in neither; neither does a version retired by
 *   `hard_delete` or at `completeResource`.
 * Rows dropped before writing (an earlier row of the same key in the batch) count in neither.
 */
export interface TableWriteCounts {
  inserted: number;
  updated: number;
}

/** What `DestinationSession.write` reports, by a destination declaring `writeCounts`. */
export interface WriteResult {
  /** Counts per table name (as in `TableBatch.table.name`) for the tables of the batch that got rows. */
  tables: Record<string, TableWriteCounts>;
}

export interface LoadRecord {
  loadId: string;
  pipeline: string;
  dataset: string;
  /**
   * `running` from `startLoad`; at `finishLoad`: `succeeded`, `failed`, or `cancelled` (the run was
   * aborted: the batches committed before the abort are kept and the next run resumes after them).
   * `abandoned`: set by a later run's `startLoad` on a record still `running`, whose process died
   * (killed, crashed, lost its database) before it could record the end.
   */
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'abandoned';
  startedAt: string;
  finishedAt?: string;
  /** Rows per table. */
  rows?: Record<string, number>;
  /** A redacted error message when failed, or why the run stopped when cancelled. */
  error?: string;
}

export interface ResourceCompletion {
  loadId: string;
  resource: string;
  writeDisposition: WriteDisposition;
  /** Every table the resource filled during this run (root and child tables). */
  tables: TableSchema[];
  state: ResourceState;
  /**
   * `replace` across the units of a distributed run (see `LoadBatch.sharedStaging`): `keep` ends
   * one unit's part (tables created, staging left as is, no swap); `swap-shared` swaps in, once,
   * the staged rows of this load that other sessions wrote. Absent: swap this session's staging.
   */
  staging?: 'keep' | 'swap-shared';
}

/** Who runs a pipeline: stored with its lease and shown to a run that finds the lease held. */
export interface LeaseOwner {
  /** The machine's host name. */
  host: string;
  /** The process id on that host. */
  pid: number;
  /** Unique per run (the load id for a pipeline run; a worker id in a distributed engine). */
  runId: string;
  /** When the run started (ISO timestamp). */
  startedAt: string;
}

/** The lease as stored: who holds it, its fencing token and until when. */
export interface LeaseHolder {
  owner: LeaseOwner;
  /**
   * The fencing token: grows by one every time the lease is acquired (a fresh acquire, a takeover of
   * an expired lease, a re-acquire by the same run), never goes down.
   */
  version: number;
  /** When the lease expires unless renewed (ISO timestamp, by the destination's clock where it has one). */
  expiresAt: string;
}

/** What `acquireLease` asks for. The lease is for the session's pipeline and dataset. */
export interface LeaseRequest {
  owner: LeaseOwner;
  /** How long the lease lasts unless renewed, in milliseconds. */
  ttlMs: number;
}

/**
 * A held lease: one active run per pipeline and dataset. While it is held, every `write`,
 * `completeResource` and `startLoad` of the session that acquired it checks, in the same transaction
 * as the data, that `version` is still the stored one (compare-and-set), and fails with a
 * `LeaseError` once another run took the lease over: a run whose lease expired never writes over
 * the run that replaced it.
 */
export interface Lease {
  /** The fencing token of this lease (see `LeaseHolder.version`). */
  readonly version: number;
  /** When the lease expires unless renewed (ISO timestamp); updated by `renew`. */
  readonly expiresAt: string;
  /**
   * Extends the lease by the requested `ttlMs` from now. The engine calls it well before expiry (a
   * heartbeat every third of the TTL). Throws a `LeaseError` when another run took the lease over
   * (the version moved on); a lost connection is a `DestinationError` and the next renewal tries again.
   */
  renew(): Promise<void>;
  /**
   * Gives the lease up at once (the next run need not wait for expiry), keeping its version so the
   * next acquire gets a higher one. Does nothing for a lease already taken over. Called at the end of
   * every run, also after a failure or a cancellation; never throws.
   */
  release(): Promise<void>;
}

/** The outcome of one `acquireLease` attempt. */
export type LeaseAttempt = { acquired: true; lease: Lease } | { acquired: false; holder: LeaseHolder };

/**
 * An open connection to one dataset for one pipeline run. The pipeline calls its members one at a
 * time (never concurrently, except `Lease.renew` from the heartbeat), in this order: `acquireLease`, `readSchema`, `readState` per resource, `startLoad`,
 * `write` per batch, `completeResource` per resource (only when every page was loaded),
 * `finishLoad`, and always `close`, also after a failure or a cancellation.
 */
export interface DestinationSession {
  /**
   * Called once, first, before `readSchema`, when the destination implements it (every official one
   * does). One attempt, never waiting: acquires the lease of the session's pipeline and dataset when
   * nobody holds it, when it expired (a takeover: the version grows), or when `owner.runId` already
   * holds it; otherwise returns the holder. The lease is stored in the destination (`_restsync_leases`),
   * so runs on other machines see it. The engine waits and retries (`lockTimeoutMs`), renews the lease
   * and releases it; see `Lease` for the fencing of this session's writes once the lease is held.
   * Without this member, concurrent runs of one pipeline are not prevented.
   */
  acquireLease?(request: LeaseRequest): Promise<LeaseAttempt>;
  /** Called once at the start of a run. Returns the last stored schema, so the run starts from it. */
  readSchema(): Promise<Schema | undefined>;
  /**
   * Called before `startLoad`, once per resource. Returns its stored state document
   * for this session's pipeline, if any: whole, with fields the destination does not know kept, and
   * an older format passed through `migrateResourceState`.
   */
  readState(resource: string): Promise<ResourceState | undefined>;
  /**
   * Called once before the first batch. Records the start of a run (`status: 'running'`) in
   * `_restsync_loads`, and marks every other load of the same pipeline and dataset still `running`
   * as `abandoned`, with `finishedAt` set and an `error` saying so: their process died before it could
   * record the end. A run that is in fact still alive records its own end over it in `finishLoad`.
   */
  startLoad(load: LoadRecord): Promise<void>;
  /**
   * Called once per batch, never while another `write` runs. Writes the batch atomically: schema
   * changes (new tables and columns), rows per each table's write disposition, and the states.
   * On failure nothing of the batch is visible. `replace` tables are written to staging until
   * `completeResource`. A cancelled run waits for the running `write`: it is never interrupted, so
   * a batch is either committed whole or not at all.
   *
   * A destination declaring the `writeCounts` capability resolves with a `WriteResult` (counts of
   * the committed batch, see `TableWriteCounts`); the pipeline adds them up per resource
   * (`ResourceRunStats.inserted` / `updated`) and in the `batch_loaded` event. Others resolve with
   * nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a destination reporting no counts keeps its `Promise<void>` write.
  write(batch: LoadBatch): Promise<WriteResult | void>;
  /**
   * Optional, synchronous. Encodes one page's rows of a root table for a later `write`, as they
   * arrive, so the pipeline keeps the encoded form instead of the row objects until the batch is
   * full (row objects kept that long are what the garbage collector copies most). Those rows then
   * reach `write` in `TableBatch.encoded`. Called only for a table whose write keeps every row as
   * it is (`append`, `replace`, and `merge` with the `upsert` strategy, a primary key and no
   * `hard_delete`), and only for pages without child rows; a batch holds either encoded pages or
   * rows of a table, never both. Returns undefined to take the rows as they are. A row it cannot
   * encode throws a `DestinationError`, which fails the run before anything of the batch is written.
   */
  encodeRows?(table: TableSchema, rows: readonly Row[]): EncodedRows | undefined;
  /**
   * Called once per resource after every batch was written, never for a failed or cancelled run.
   * Ends a resource for this run: `replace` swaps its staging tables in atomically; the state is stored.
   */
  completeResource(completion: ResourceCompletion): Promise<void>;
  /**
   * Called once at the end of a run with the final status (`succeeded`, `failed` or `cancelled`).
   * Records the end of the run; a failure here never hides the error that ended the run.
   */
  finishLoad(load: LoadRecord): Promise<void>;
  /**
   * Optional; `restsync runs` uses it. Returns the loads of this session's pipeline and dataset
   * recorded in `_restsync_loads`, newest first, at most `limit`. Called on its own (no lease, no
   * load), then `close`.
   */
  readLoads?(limit: number): Promise<LoadRecord[]>;
  /** Called once, last, whatever happened. Releases connections; must not throw for a session already failed. */
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
  /**
   * The contract version this destination implements. `pipeline()` checks it and rejects an
   * unknown version with a `ConfigError`.
   */
  readonly specificationVersion: 'v1';
  /** e.g. `postgres`, `mongodb`. */
  readonly type: string;
  readonly capabilities: DestinationCapabilities;
  /** Where it writes, with any password redacted (for output). */
  readonly description: string;
  /**
   * Called once at the start of every `pipeline.run()`. Connects and prepares the dataset (creates
   * the system tables if needed); throws a `DestinationError` that names the problem without a password.
   */
  open(options: DestinationOpenOptions): Promise<DestinationSession>;
}
