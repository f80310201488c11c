import type { EventBus } from '../events';
import type { Redactor } from '../redact';
import type { IncrementalCursor, IncrementalState } from './destination';
import type { PaginatorCheckpoint } from './paginator';
import type { Page } from './request';
import type { ColumnHint, MergeStrategy, Scd2Settings, SchemaContract, WriteDisposition } from './schema';

/** A page as a source yields it: a `Page` plus the checkpoint reached after it. */
export interface SourcePage extends Page {
  /**
   * The resource's resumable position after this page, set only when everything before it
   * (this page's records and any child pages they lead to) has already been yielded.
   */
  checkpoint?: PaginatorCheckpoint;
  /**
   * The incremental cursor reached after this page's records, for one request sequence: `key` is
   * `''` for a top-level resource, the parent's key for a child. The pipeline stores it with the
   * rows in the same transaction.
   */
  cursor?: { key: string; value: IncrementalCursor };
  /**
   * Set on every page of a page tree: a page of a top-level resource that has child resources,
   * and the child pages its records lead to. `root` names the top-level resource. The tree's last
   * page has `end`, with the root's checkpoint after the tree. The pipeline commits a tree whole,
   * so a rerun never loads a part of it twice.
   */
  tree?: { root: string; end?: { checkpoint?: PaginatorCheckpoint } };
}

/** A resource as the pipeline sees it. */
export interface ResourceInfo {
  name: string;
  /** Field names of the primary key in the source records (single or composite); empty: none. */
  primaryKey: string[];
  writeDisposition: WriteDisposition;
  /** How a `merge` writes (the dict form of `write_disposition`). @default 'upsert' */
  mergeStrategy?: MergeStrategy;
  /** Settings of the `scd2` strategy (present with `mergeStrategy: 'scd2'`). */
  scd2?: Scd2Settings;
  /** Field names of the `merge_key` hint: `delete-insert` replaces the stored rows with these values. */
  mergeKey?: string[];
  /** Arrays become child tables (`flatten`, default) or stay JSON (`json`). */
  nested: 'flatten' | 'json';
  /** The parent resource's name, for a child resource. */
  parent?: string;
  /** The table the rows load into instead of the resource's name (`table_name`); child tables are `<tableName>__<field>`. */
  tableName?: string;
  /** Column hints (`columns`) for the root table. */
  columns?: ColumnHint[];
  /** Nesting levels that become columns and child tables (`max_table_nesting`); deeper data stays JSON. 0: no child tables. */
  maxTableNesting?: number;
  /** What happens when a record needs a new table, a new column or a variant (`schema_contract`). @default evolve */
  schemaContract?: SchemaContract;
}

/** What the pipeline passes to `Source.pages()` for one run. */
export interface SourceRunOptions {
  /** Where the source reports pages, retries and logs; every event is redacted by the pipeline. */
  events: EventBus;
  /** Resume positions per resource, from stored state (only resources that were interrupted). */
  checkpoints?: Record<string, PaginatorCheckpoint>;
  /** Stored incremental cursors per resource (none with a full refresh). */
  incremental?: Record<string, IncrementalState>;
  /**
   * Aborts when the run is cancelled. The source then cancels its in-flight requests, starts no
   * new one, and ends the iteration by throwing (the signal's reason, or the request's abort error).
   */
  signal?: AbortSignal;
  /**
   * Request sequences (a resource, or a child's sequence for one parent record) the source may run
   * at once for the resources marked `parallelized`. @default 4
   */
  maxConcurrency?: number;
}

/** A configured set of resources, as returned by `restApiSource(config)`. */
export interface Source {
  readonly kind: 'source';
  /**
   * The contract version this source implements. `pipeline.run()` checks it before opening the
   * destination and rejects an unknown version with a `ConfigError`.
   */
  readonly specificationVersion: 'v1';
  readonly name: string;
  /** Every resource the run loads; the pipeline validates them before the first request. */
  readonly resources: ResourceInfo[];
  /** Holds every secret of this source; the pipeline redacts every event, error and log with it. */
  readonly redactor: Redactor;
  /** Notices about the config (deprecated forms, with the modern form); the pipeline logs them as warnings. */
  readonly warnings?: readonly string[];
  /**
   * The config the source was built from, and how to build a source from a variant of it, for an
   * engine that sends the config to workers (`pipeline.run(source, { engine })`). Set by
   * `restApiSource` and `loadRestApiSource`; a distributed run needs the config to be plain data.
   */
  readonly definition?: SourceDefinition;
  /**
   * True when `pages()` called with no checkpoints and no incremental cursors sends only requests
   * that read (GET), and no resource keeps an incremental cursor. `pipeline.run()` then starts it
   * while a destination that opens slowly (`DestinationCapabilities.slowOpen`: embedded PGlite)
   * opens, and reads up to four batches of records ahead (within `batchBytes`). Once the stored state is
   * read, the run keeps those pages if it would have started the same way (no checkpoint to resume
   * from, no cursor, the run's lease free at once), and otherwise aborts them and calls `pages()`
   * again with the stored state; the pages and events of the aborted call are dropped. Set by
   * `restApiSource` when every resource qualifies and no rate limit or circuit breaker is
   * configured (each `pages()` call keeps its own). @default false
   */
  readonly earlyStart?: boolean;
  /**
   * Called once per run by `pipeline.run()` (twice when an early start is dropped, see
   * `earlyStart`), after the destination is open and stored checkpoints are read. Fetches every selected resource and yields their pages as one stream, parents before
   * the child pages their records lead to. Streams: nothing is buffered beyond the current page.
   * A page's `checkpoint` is only set once everything before it has been yielded, so the pipeline
   * can store it with the rows. The pipeline stops iterating early when the run is cancelled or
   * fails; the source must then release what it holds (in `finally`).
   */
  pages(options: SourceRunOptions): AsyncIterable<SourcePage>;
}

/** See `Source.definition`. */
export interface SourceDefinition {
  /** The config as given (secrets as references such as `{ "secret": "api_key" }`). */
  readonly config: Record<string, unknown>;
  /** Builds a source from another config with the same adapters and secret resolution. */
  load(config: Record<string, unknown>): Promise<Source>;
}
