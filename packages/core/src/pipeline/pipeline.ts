import type {
  Destination,
  DestinationSession,
  IncrementalCursor,
  LoadRecord,
  ResourceState,
} from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { ResourceInfo, Source } from '../contracts/source';
import { assertSpecificationVersion } from '../contracts/specification-version';
import type { Engine } from '../engine/engine';
import { loadWithEngine } from '../engine/load-with-engine';
import { ConfigError, RunCancelledError } from '../errors';
import type { EventListener } from '../events';
import { completedCursor } from '../incremental/incremental';
import { createNormalizer } from '../normalize/normalizer';
import { type DestinationRetryOptions, resolveDestinationRetryOptions } from './destination-retry';
import { type EarlyPages, startEarlyPages } from './early-pages';
import { createLoadId } from './load-id';
import { loadPages, type RunContext } from './load-pages';
import { migrateResourceState, nextResourceState } from './resource-state';
import { describeResume } from './resume-description';
import {
  currentLeaseOwner,
  type HeldRunLease,
  holdRunLease,
  type LeaseOptions,
  resolveLeaseOptions,
} from './run-lease';
import { committedText, type ResourceRunStats, type RunResult, summarize } from './run-result';
import { openRunSession } from './run-session';

/** How many batches of records a run reads ahead while a slow destination opens (within `batchBytes`). */
const earlyBatches = 4;

/** `PipelineOptions.batchBytes` unless set: 16 MiB. */
const defaultBatchBytes = 16 * 1024 * 1024;

/**
 * `lockTimeoutMs` and `leaseTtlMs` (see `LeaseOptions`): one run at a time per pipeline and dataset,
 * through a lease stored in the destination.
 */
export interface PipelineOptions extends LeaseOptions {
  /** The pipeline's name; state is kept per pipeline and resource. */
  name: string;
  destination: Destination;
  /** Postgres schema / MongoDB database to load into. @default `<name>_dataset` */
  dataset?: string;
  /** Rows buffered before a batch is written (one transaction per batch). @default 5000 */
  batchSize?: number;
  /**
   * Estimated bytes of rows buffered before a batch is written, whichever of `batchSize` and this
   * comes first, so wide rows (long texts, big JSON columns) keep a batch's memory bounded too. The
   * estimate samples a few rows per page (strings by length, other values by slot). The page trees
   * held until their last page (a parent page and its children's pages) count against it too: a tree
   * bigger than it is written whole, with nothing else buffered beside it. Units run on an engine keep
   * the count bound only. @default 16 MiB
   */
  batchBytes?: number;
  /** Continue an interrupted run from the stored paginator checkpoints. @default true */
  resume?: boolean;
  /**
   * Request sequences run at once for `parallelized` resources: whole resources, and a child's
   * sequences for its parent records. The API's own `rate_limit` still applies. @default 4
   */
  maxConcurrency?: number;
  /**
   * How a destination operation that failed on a lost connection (a retryable `DestinationError`:
   * the server restarted, the network dropped) is repeated on a fresh connection. A batch is written
   * with its state atomically, so a repeat never doubles rows.
   * @default { maxAttempts: 5, initialDelayMs: 2000, maxDelayMs: 16_000 }
   */
  destinationRetry?: DestinationRetryOptions;
  /** Receives every event (redacted): pages, retries, batches, schema changes, resources done. */
  onEvent?: EventListener;
}

export interface Pipeline {
  readonly name: string;
  readonly dataset: string;
  readonly destination: Destination;
  /** Adds an event listener; returns a function that removes it. */
  on(listener: EventListener): () => void;
  /**
   * Fetches every resource of the source and loads it. Rows stream in bounded batches; each batch
   * is written with the state it leads to in one transaction. Throws the first error after
   * recording the failed load; a rerun continues from the last committed batch.
   *
   * When `options.signal` aborts, the in-flight requests are cancelled, no new batch starts, the
   * batch already in its transaction commits or rolls back whole, the load is recorded as
   * `cancelled`, and the run rejects with a `RunCancelledError` whose `result` says what was
   * committed. A rerun resumes from the last commit. An abort after the last batch was written
   * lets the run finish.
   */
  run(source: Source, options?: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  /** Cancels the run (e.g. on Ctrl-C); see `Pipeline.run`. */
  signal?: AbortSignal;
  /**
   * Ignores the stored incremental cursors and paginator checkpoints for this run: every resource
   * is read from its start (`initial_value`). The state reached is stored as usual.
   * @default false
   */
  fullRefresh?: boolean;
  /**
   * Runs the source's units of work on workers (e.g. `bullmqEngine({ connection })`) instead of in
   * this process. This process holds the pipeline's lease, plans the units, waits for them and records
   * the run: the result is the same `RunResult`. The source must be built from a config (see
   * `Source.definition`). @default undefined (in this process)
   */
  engine?: Engine;
}

/** Creates a pipeline that loads sources into one destination dataset. */
export function pipeline(options: PipelineOptions): Pipeline {
  assertSpecificationVersion('destination', options.destination, 'destination');
  resolveLeaseOptions(options);
  if (
    options.maxConcurrency !== undefined &&
    !(Number.isInteger(options.maxConcurrency) && options.maxConcurrency >= 1)
  ) {
    throw new ConfigError([
      {
        path: 'maxConcurrency',
        message: `must be a whole number >= 1, got ${String(options.maxConcurrency)}`,
      },
    ]);
  }
  const listeners = new Set<EventListener>();
  if (options.onEvent) listeners.add(options.onEvent);
  const dataset = options.dataset ?? `${options.name}_dataset`;
  return {
    name: options.name,
    dataset,
    destination: options.destination,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    run: (source, runOptions = {}) =>
      runPipeline({ ...options, dataset }, source, [...listeners], runOptions),
  };
}

function validateResources(resources: ResourceInfo[], destination: Destination): void {
  const issues = [];
  for (const [index, resource] of resources.entries()) {
    if (resource.writeDisposition !== 'merge') continue;
    const strategy = resource.mergeStrategy ?? 'upsert';
    const keyless = resource.primaryKey.length === 0;
    if (strategy === 'upsert' && keyless) {
      issues.push({
        path: `resources[${index}].primaryKey`,
        message: `resource "${resource.name}" uses write disposition "merge", which needs a primary key`,
      });
    }
    if (strategy === 'delete-insert' && keyless && (resource.mergeKey ?? []).length === 0) {
      issues.push({
        path: `resources[${index}].primaryKey`,
        message: `resource "${resource.name}" uses the "delete-insert" merge strategy, which needs a primary key or a merge key`,
      });
    }
    if (!destination.capabilities.merge) {
      issues.push({
        path: `resources[${index}].writeDisposition`,
        message: `destination "${destination.type}" does not support "merge"`,
      });
      continue;
    }
    const supported = destination.capabilities.mergeStrategies ?? ['upsert'];
    if (!supported.includes(strategy)) {
      issues.push({
        path: `resources[${index}].writeDisposition.strategy`,
        message:
          `resource "${resource.name}" asks for the "${strategy}" merge strategy, which destination ` +
          `"${destination.type}" does not support (it supports: ${supported.join(', ')})`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

async function runPipeline(
  options: PipelineOptions & { dataset: string },
  source: Source,
  listeners: EventListener[],
  runOptions: RunOptions,
): Promise<RunResult> {
  assertSpecificationVersion('source', source, 'source');
  validateResources(source.resources, options.destination);
  const startedAt = Date.now();
  const loadId = createLoadId(startedAt);
  const batchSize = options.batchSize ?? 5_000;
  const batchBytes = options.batchBytes ?? defaultBatchBytes;
  // Pages fetched while the destination opens (a PGlite worker takes most of a second).
  const early =
    source.earlyStart === true &&
    options.destination.capabilities.slowOpen === true &&
    runOptions.engine === undefined &&
    !runOptions.signal?.aborted
      ? startEarlyPages(source, {
          signal: runOptions.signal,
          maxConcurrency: options.maxConcurrency,
          // Four batches: the worker of a new PGlite opens in about the time it takes to fetch them.
          maxRecords: earlyBatches * batchSize,
          maxBytes: batchBytes,
        })
      : undefined;
  try {
    return await runOpenPipeline(options, source, listeners, runOptions, {
      loadId,
      startedAt,
      early,
      batchSize,
      batchBytes,
    });
  } finally {
    await early?.discard();
  }
}

async function runOpenPipeline(
  options: PipelineOptions & { dataset: string },
  source: Source,
  listeners: EventListener[],
  runOptions: RunOptions,
  run: {
    loadId: string;
    startedAt: number;
    early: EarlyPages | undefined;
    batchSize: number;
    batchBytes: number;
  },
): Promise<RunResult> {
  const { loadId, startedAt, early, batchSize, batchBytes } = run;
  const redact = (text: string) => source.redactor.redact(text);
  const { events, retries, session } = await openRunSession({
    destination: options.destination,
    pipeline: options.name,
    dataset: options.dataset,
    redactor: source.redactor,
    listeners,
    retry: resolveDestinationRetryOptions(options.destinationRetry),
    signal: runOptions.signal,
  });
  const stats = new Map<string, ResourceRunStats>(
    source.resources.map((resource) => [resource.name, { rows: 0, pages: 0 }]),
  );
  const tableRows = new Map<string, number>();
  const committed = { batches: 0 };
  const runResult = (status: RunResult['status']): RunResult => {
    const result = {
      loadId,
      status,
      pipeline: options.name,
      dataset: options.dataset,
      destination: options.destination.description,
      resources: Object.fromEntries(stats),
      tables: Object.fromEntries(tableRows),
      batches: committed.batches,
      pages: [...stats.values()].reduce((sum, entry) => sum + entry.pages, 0),
      retries: retries(),
      durationMs: Date.now() - startedAt,
    };
    return { ...result, summary: () => summarize(result) };
  };
  const loadRecord = (status: LoadRecord['status'], extra: Partial<LoadRecord> = {}): LoadRecord => ({
    loadId,
    pipeline: options.name,
    dataset: options.dataset,
    status,
    startedAt: new Date(startedAt).toISOString(),
    ...(status === 'running'
      ? {}
      : { finishedAt: new Date().toISOString(), rows: Object.fromEntries(tableRows) }),
    ...extra,
  });

  let lease: HeldRunLease;
  try {
    // One run at a time per pipeline and dataset, held before anything is read: a run that waited
    // starts from what the run before it committed.
    const held = await holdRunLease(session, {
      ...resolveLeaseOptions(options),
      pipeline: options.name,
      dataset: options.dataset,
      destination: options.destination.description,
      owner: currentLeaseOwner(loadId, startedAt),
      events,
      signal: runOptions.signal,
    });
    if (held === 'cancelled') {
      throw new RunCancelledError(runResult('cancelled'), redact(cancelReason(runOptions.signal)));
    }
    lease = held;
  } catch (error) {
    await session.close();
    throw error;
  }

  try {
    const storedSchema = await session.readSchema();
    const normalizer = createNormalizer({
      resources: source.resources,
      schema: storedSchema,
      nesting: options.destination.capabilities.nesting,
      maxIdentifierLength: options.destination.capabilities.maxIdentifierLength,
      onWarning: (warning) => events.emit({ type: 'warning', ...warning }),
    });
    const storedStates = withoutCursors(await readStates(session, source.resources), runOptions.fullRefresh);
    const checkpoints =
      options.resume === false || runOptions.fullRefresh
        ? {}
        : resumeCheckpoints(storedStates, source.resources);
    for (const warning of source.warnings ?? [])
      events.emit({ type: 'log', level: 'warn', message: warning });
    for (const resource of source.resources) {
      const from = describeResume(storedStates.get(resource.name), checkpoints[resource.name]);
      if (from !== undefined) events.emit({ type: 'resume', resource: resource.name, from });
    }
    await session.startLoad(loadRecord('running'));
    const context: RunContext = {
      loadId,
      session,
      normalizer,
      events,
      stats,
      tableRows,
      storedStates,
      cursors: new Map(
        [...storedStates].flatMap(([resource, state]) =>
          state.incremental ? [[resource, { ...state.incremental.cursors }]] : [],
        ),
      ),
      committed,
      signal: runOptions.signal,
      maxConcurrency: options.maxConcurrency,
    };
    // The early pages are the run's when it starts the source as they did: from scratch.
    const earlyPages =
      early && !lease.waited && Object.keys(checkpoints).length === 0 && context.cursors.size === 0
        ? early.adopt(events)
        : undefined;
    if (earlyPages === undefined) await early?.discard();
    const outcome = runOptions.engine
      ? await loadWithEngine(context, source, {
          engine: runOptions.engine,
          pipeline: options.name,
          dataset: options.dataset,
          destination: options.destination.description,
          batchSize,
          leaseTtlMs: resolveLeaseOptions(options).leaseTtlMs,
          fullRefresh: runOptions.fullRefresh === true,
        })
      : await loadPages(context, source, checkpoints, batchSize, {
          batchBytes,
          pages: earlyPages,
        });
    if (outcome === 'cancelled') {
      const reason = redact(cancelReason(runOptions.signal));
      await session.finishLoad(loadRecord('cancelled', { error: reason }));
      const result = runResult('cancelled');
      events.emit({
        type: 'log',
        level: 'warn',
        message: `run cancelled (${reason}): ${committedText(result)}`,
      });
      throw new RunCancelledError(result, reason);
    }
    for (const resource of source.resources) {
      // With an engine, each unit completed its own tables (a `replace` unit swapped its staging in).
      const tables = runOptions.engine
        ? []
        : normalizer.schema().tables.filter((table) => table.resource === resource.name);
      await session.completeResource({
        loadId,
        resource: resource.name,
        writeDisposition: resource.writeDisposition,
        tables,
        state: nextResourceState(storedStates.get(resource.name), {
          resource: resource.name,
          status: 'complete',
          loadId,
          ...completedCursors(context.cursors.get(resource.name)),
        }),
      });
      const resourceStats = stats.get(resource.name) ?? { rows: 0, pages: 0 };
      events.emit({ type: 'resource_done', resource: resource.name, ...resourceStats });
    }
    await session.finishLoad(loadRecord('succeeded'));
    return runResult('succeeded');
  } catch (error) {
    // A cancelled run is already recorded as such.
    if (RunCancelledError.isInstance(error)) throw error;
    const message = redact(error instanceof Error ? error.message : String(error));
    // Recording the failure must not hide the error that caused it.
    await session.finishLoad(loadRecord('failed', { error: message })).catch(() => undefined);
    events.emit({ type: 'log', level: 'error', message });
    throw error;
  } finally {
    await lease.release();
    await session.close();
  }
}

/** The stored state document of every resource (older formats migrated). */
async function readStates(
  session: DestinationSession,
  resources: ResourceInfo[],
): Promise<Map<string, ResourceState>> {
  const states = new Map<string, ResourceState>();
  for (const resource of resources) {
    const stored = await session.readState(resource.name);
    if (stored !== undefined) states.set(resource.name, migrateResourceState(stored, resource.name));
  }
  return states;
}

/** With a full refresh, the stored states without their incremental cursors. */
function withoutCursors(states: Map<string, ResourceState>, fullRefresh: boolean | undefined) {
  if (!fullRefresh) return states;
  return new Map(
    [...states].map(([resource, { incremental: _ignored, ...state }]) => [resource, state as ResourceState]),
  );
}

/** The `incremental` of a completed resource: each cursor without the run's start. */
function completedCursors(cursors: Record<string, IncrementalCursor> | undefined) {
  if (cursors === undefined) return {};
  return {
    incremental: {
      cursors: Object.fromEntries(
        Object.entries(cursors).map(([key, cursor]) => [key, completedCursor(cursor)]),
      ),
    },
  };
}

/** Where interrupted resources continue: the checkpoint of each `in_progress` state (never for `replace`). */
function resumeCheckpoints(
  states: Map<string, ResourceState>,
  resources: ResourceInfo[],
): Record<string, PaginatorCheckpoint> {
  const checkpoints: Record<string, PaginatorCheckpoint> = {};
  for (const resource of resources) {
    if (resource.writeDisposition === 'replace') continue;
    const state = states.get(resource.name);
    if (state?.status === 'in_progress' && state.checkpoint) checkpoints[resource.name] = state.checkpoint;
  }
  return checkpoints;
}

/** Why a run was cancelled, from the abort reason (`run cancelled` when none was given). */
function cancelReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') return reason.message;
  return 'run cancelled';
}
