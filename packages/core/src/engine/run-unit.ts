import { randomUUID } from 'node:crypto';
import {
  type Destination,
  type DestinationSession,
  type IncrementalCursor,
  type LoadBatch,
  type ResourceState,
  tableBatchRowCount,
} from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { TableSchema } from '../contracts/schema';
import type { Source } from '../contracts/source';
import { assertSpecificationVersion } from '../contracts/specification-version';
import { LeaseError, RunCancelledError } from '../errors';
import type { EventBus, EventListener } from '../events';
import { createNormalizer } from '../normalize/normalizer';
import { resolveDestinationRetryOptions } from '../pipeline/destination-retry';
import { loadPages, type RunContext } from '../pipeline/load-pages';
import { migrateResourceState, nextResourceState } from '../pipeline/resource-state';
import { currentLeaseOwner, holdRunLease } from '../pipeline/run-lease';
import type { ResourceRunStats } from '../pipeline/run-result';
import { openRunSession } from '../pipeline/run-session';
import { type UnitJob, type UnitResult, unitPipelineName } from './engine';

/** What a worker brings to a unit: the source and destination built in its own environment. */
export interface UnitEnvironment {
  /** The source built from `unitDefinition(job.definition, job.unit)`, secrets from the worker's environment. */
  source: Source;
  destination: Destination;
  /** Receives the unit's events, redacted with the source's secrets. */
  onEvent?: EventListener;
  /** Stops the unit after its current batch (the worker drains on SIGTERM). */
  signal?: AbortSignal;
  /** The results of the units named in `job.unit.after` (a `swap` unit reads their tables). */
  after?: UnitResult[];
}

/** What a unit committed so far in its run, kept in its state documents so a resumed attempt counts on. */
interface UnitProgress {
  loadId: string;
  tables: Record<string, number>;
  resources: Record<string, ResourceRunStats>;
  batches: number;
}

type UnitState = ResourceState & { unitProgress?: UnitProgress };

/**
 * Runs one unit of work on a worker. Opens the destination under the unit's own pipeline name
 * (`<pipeline>#<unit id>`), takes the unit's lease (waiting for a dead worker's lease to expire),
 * and loads the unit's pages in batches; every batch's transaction checks the lease version
 * (compare-and-set), so a worker that lost the unit (stopped, presumed dead) has its late commit
 * refused and rolled back. A unit delivered again continues from its last committed batch; a unit
 * already complete in this run returns its stored result without a request.
 */
export async function runUnit(job: UnitJob, environment: UnitEnvironment): Promise<UnitResult> {
  const { source, destination, signal } = environment;
  assertSpecificationVersion('source', source, 'source');
  assertSpecificationVersion('destination', destination, 'destination');
  const unitPipeline = unitPipelineName(job.pipeline, job.unit.id);
  const { events, retries, session } = await openRunSession({
    destination,
    pipeline: unitPipeline,
    dataset: job.dataset,
    redactor: source.redactor,
    listeners: environment.onEvent ? [environment.onEvent] : [],
    retry: resolveDestinationRetryOptions(undefined),
    signal,
  });
  try {
    const lease = await holdRunLease(session, {
      pipeline: unitPipeline,
      dataset: job.dataset,
      destination: destination.description,
      owner: currentLeaseOwner(randomUUID(), Date.now()),
      // A worker that died holds the unit until its lease expires; wait a little longer than that.
      lockTimeoutMs: job.leaseTtlMs * 3,
      leaseTtlMs: job.leaseTtlMs,
      events,
      signal,
    });
    if (lease === 'cancelled')
      throw new LeaseError(`unit ${job.unit.id} was cancelled before it started`, {
        pipeline: unitPipeline,
        dataset: job.dataset,
      });
    try {
      return job.unit.kind === 'swap'
        ? await swapUnit(job, environment, session, retries)
        : await loadUnit(job, environment, session, events, retries);
    } finally {
      await lease.release();
    }
  } finally {
    await session.close();
  }
}

async function loadUnit(
  job: UnitJob,
  environment: UnitEnvironment,
  session: DestinationSession,
  events: EventBus,
  retries: () => number,
): Promise<UnitResult> {
  const { source, destination } = environment;
  const states = new Map<string, UnitState>();
  for (const resource of job.unit.resources) {
    const stored = await session.readState(resource);
    const state = stored === undefined ? undefined : (migrateResourceState(stored, resource) as UnitState);
    // A state of an earlier run is no progress of this one.
    if (state?.loadId === job.loadId) states.set(resource, state);
  }
  const progress = committedProgress(job, states);
  const complete = job.unit.resources.every((resource) => states.get(resource)?.status === 'complete');
  const normalizer = createNormalizer({
    resources: source.resources,
    schema: await session.readSchema(),
    nesting: destination.capabilities.nesting,
    maxIdentifierLength: destination.capabilities.maxIdentifierLength,
  });
  const cursors = new Map<string, Record<string, IncrementalCursor>>();
  for (const resource of job.unit.resources) {
    const fromState = states.get(resource)?.incremental?.cursors ?? job.incremental[resource]?.cursors;
    if (fromState) cursors.set(resource, { ...fromState });
  }
  const result = (): UnitResult => ({
    unitId: job.unit.id,
    resources: progress.resources,
    tables: progress.tables,
    batches: progress.batches,
    retries: retries(),
    cursors: Object.fromEntries(cursors),
    schemaTables: normalizer.schema().tables.filter((table) => job.unit.resources.includes(table.resource)),
  });
  if (complete) return result();

  const stats = new Map<string, ResourceRunStats>(
    job.unit.resources.map((resource) => [
      resource,
      { ...(progress.resources[resource] ?? { rows: 0, pages: 0 }) },
    ]),
  );
  const tableRows = new Map(Object.entries(progress.tables));
  const committed = { batches: progress.batches };
  // Every batch's states carry the unit's counts, so an attempt that continues counts on from them.
  const recordingSession: DestinationSession = {
    ...session,
    write: async (batch: LoadBatch) => {
      const tables = { ...Object.fromEntries(tableRows) };
      for (const entry of batch.tables)
        tables[entry.table.name] = (tables[entry.table.name] ?? 0) + tableBatchRowCount(entry);
      const unitProgress: UnitProgress = {
        loadId: job.loadId,
        tables,
        resources: Object.fromEntries(stats),
        batches: committed.batches + 1,
      };
      return session.write({
        ...batch,
        states: batch.states.map((state) => ({ ...state, unitProgress })),
        ...(job.unit.sharedStaging ? { sharedStaging: true } : {}),
      });
    },
  };
  const context: RunContext = {
    loadId: job.loadId,
    session: recordingSession,
    normalizer,
    events,
    stats,
    tableRows,
    storedStates: states,
    cursors,
    committed,
    signal: environment.signal,
  };
  const checkpoints: Record<string, PaginatorCheckpoint> = {};
  if (!job.fullRefresh) {
    for (const [resource, state] of states) {
      const info = source.resources.find((entry) => entry.name === resource);
      // A `replace` resource restarts with an empty staging table, unless the staging is shared (kept).
      const restarts = info?.writeDisposition === 'replace' && !job.unit.sharedStaging;
      if (!restarts && state.status === 'in_progress' && state.checkpoint) {
        checkpoints[resource] = state.checkpoint;
      }
    }
  }
  // A page range whose last page was committed is done: resuming would read the next range's first
  // page. A unit committed once, whole, is done when any batch of it was committed in this run.
  const loaded = job.unit.commitOnce ? progress.batches > 0 : rangeCommitted(job, checkpoints);
  const outcome = loaded
    ? 'loaded'
    : await loadPages(
        context,
        source,
        checkpoints,
        job.unit.commitOnce ? Number.POSITIVE_INFINITY : job.batchSize,
      );
  progress.resources = Object.fromEntries(stats);
  progress.tables = Object.fromEntries(tableRows);
  progress.batches = committed.batches;
  if (outcome === 'cancelled') {
    throw new RunCancelledError(
      {
        loadId: job.loadId,
        status: 'cancelled',
        pipeline: job.pipeline,
        dataset: job.dataset,
        destination: destination.description,
        resources: progress.resources,
        tables: progress.tables,
        batches: progress.batches,
        pages: Object.values(progress.resources).reduce((sum, entry) => sum + entry.pages, 0),
        retries: retries(),
        durationMs: 0,
        summary: () => `unit ${job.unit.id} stopped after ${progress.batches} batches`,
      },
      `unit ${job.unit.id} stopped: the worker is shutting down`,
    );
  }
  for (const resource of job.unit.resources) {
    const info = source.resources.find((entry) => entry.name === resource);
    const unitProgress: UnitProgress = { ...progress, loadId: job.loadId };
    const resourceCursors = cursors.get(resource);
    await session.completeResource({
      loadId: job.loadId,
      resource,
      writeDisposition: info?.writeDisposition ?? 'append',
      tables: normalizer.schema().tables.filter((table) => table.resource === resource),
      // The run swaps the shared staging in once every unit of the resource completed.
      ...(job.unit.sharedStaging ? { staging: 'keep' as const } : {}),
      state: {
        ...nextResourceState(states.get(resource), {
          resource,
          status: 'complete',
          loadId: job.loadId,
          ...(resourceCursors ? { incremental: { cursors: resourceCursors } } : {}),
        }),
        unitProgress,
      } as UnitState,
    });
  }
  return result();
}

/**
 * Swaps the shared staging of the unit's `replace` resources in, once every range completed: one
 * transaction per resource (TRUNCATE + INSERT of this load's staged rows), fenced by the swap unit's
 * lease, its state stored in the same transaction. A swap delivered again finds its state complete
 * for this load and swaps nothing (the staging is gone by then: a second swap would empty the table).
 */
async function swapUnit(
  job: UnitJob,
  environment: UnitEnvironment,
  session: DestinationSession,
  retries: () => number,
): Promise<UnitResult> {
  // The widest definition of each table any range filled.
  const tables = new Map<string, TableSchema>();
  for (const table of (environment.after ?? []).flatMap((done) => done.schemaTables)) {
    const known = tables.get(table.name);
    if (!known || table.columns.length > known.columns.length) tables.set(table.name, table);
  }
  for (const resource of job.unit.resources) {
    const info = environment.source.resources.find((entry) => entry.name === resource);
    if (info?.writeDisposition !== 'replace') continue;
    const stored = await session.readState(resource);
    const state = stored === undefined ? undefined : migrateResourceState(stored, resource);
    if (state?.loadId === job.loadId && state.status === 'complete') continue;
    await session.completeResource({
      loadId: job.loadId,
      resource,
      writeDisposition: 'replace',
      tables: [...tables.values()].filter((table) => table.resource === resource),
      staging: 'swap-shared',
      state: nextResourceState(state, { resource, status: 'complete', loadId: job.loadId }),
    });
  }
  return {
    unitId: job.unit.id,
    resources: {},
    tables: {},
    batches: 0,
    retries: retries(),
    cursors: {},
    schemaTables: [],
  };
}

/** The counts of this run's earlier attempts at the unit, from its state documents (none on a first attempt). */
function committedProgress(job: UnitJob, states: Map<string, UnitState>): UnitProgress {
  let best: UnitProgress = { loadId: job.loadId, tables: {}, resources: {}, batches: 0 };
  for (const state of states.values()) {
    const stored = state.unitProgress;
    if (stored?.loadId === job.loadId && stored.batches > best.batches) best = stored;
  }
  return { ...best, tables: { ...best.tables }, resources: { ...best.resources } };
}

/** Whether a page-range unit's checkpoint already reached the end of its range. */
function rangeCommitted(job: UnitJob, checkpoints: Record<string, PaginatorCheckpoint>): boolean {
  const { unit } = job;
  if (unit.kind !== 'pages' || unit.paginator === undefined) return false;
  const checkpoint = checkpoints[unit.resource];
  if (checkpoint === undefined) return false;
  const paginator = unit.paginator;
  const [position, bound] =
    paginator.type === 'offset'
      ? [checkpoint.offset, paginator.maximum_offset ?? paginator.maximumOffset]
      : [checkpoint.page, paginator.maximum_page ?? paginator.maximumPage];
  return typeof position === 'number' && typeof bound === 'number' && position >= bound;
}
