import {
  type DestinationSession,
  type IncrementalCursor,
  type LoadBatch,
  type ResourceState,
  type TableBatch,
  type TableWriteCounts,
  tableBatchRowCount,
} from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { Source, SourcePage } from '../contracts/source';
import { SchemaError } from '../errors';
import type { EventBus } from '../events';
import type { Normalizer } from '../normalize/normalizer';
import { BatchBuffer, estimatePageBytes } from './batch-buffer';
import type { RowEncoder } from './encoded-pages';
import { nextResourceState } from './resource-state';
import type { ResourceRunStats } from './run-result';

/** What one run's loading needs and the counts it keeps. */
export interface RunContext {
  loadId: string;
  session: DestinationSession;
  normalizer: Normalizer;
  events: EventBus;
  stats: Map<string, ResourceRunStats>;
  tableRows: Map<string, number>;
  /** Counts what this run committed so far. */
  committed: { batches: number };
  /** Cancels the run: once it aborts, no new batch starts. */
  signal: AbortSignal | undefined;
  /** Sequences the source may run at once for parallelized resources. @default the source's */
  maxConcurrency?: number | undefined;
  /** The stored state document of each resource at the start of the run; new states build on it. */
  storedStates: Map<string, ResourceState>;
  /**
   * Incremental cursors per resource and key: the stored ones, updated by each page's cursor. Each
   * batch stores them with its rows, so a cursor never gets ahead of the committed rows.
   */
  cursors: Map<string, Record<string, IncrementalCursor>>;
}

/**
 * Streams pages into bounded batches: a batch is written once it holds `batchSize` rows or an
 * estimated `batchBytes` of them (see `BatchBuffer.byteSize`), whichever comes first. While one
 * batch is being written the next one is filled, so fetching and loading overlap; at most two
 * batches are in memory.
 *
 * The pages of a page tree (`SourcePage.tree`: a parent's page and the child pages its records lead
 * to) are held until the tree's last page and then go into the batch together, with the parent's
 * checkpoint: a batch never splits a tree, so a rerun resumes after the last committed tree and loads
 * none of it twice. The trees being held share the `batchBytes` budget with the batch being filled:
 * once both together reach it, the batch is written, so a tree bigger than the budget still commits
 * whole, but nothing else is held beside it.
 *
 * Resolves `loaded` when every page was loaded, `cancelled` when the run was cancelled partway.
 * When `context.signal` aborts, the source cancels its in-flight requests, no new batch starts,
 * and the batch already being written is awaited, so it commits or rolls back whole; the rows
 * not yet written are left for the rerun, which resumes from the last committed state.
 */
export async function loadPages(
  context: RunContext,
  source: Source,
  checkpoints: Record<string, PaginatorCheckpoint>,
  batchSize: number,
  options: {
    /** @default no byte bound */
    batchBytes?: number;
    /** The source's pages when the run already started it (see `EarlyPages`); else it is started here. */
    pages?: AsyncIterable<SourcePage> | undefined;
  } = {},
): Promise<'loaded' | 'cancelled'> {
  const batchBytes = options.batchBytes ?? Number.POSITIVE_INFINITY;
  const { signal, session } = context;
  const encoder: RowEncoder | undefined =
    session.encodeRows === undefined ? undefined : (table, rows) => session.encodeRows?.(table, rows);
  let buffer = new BatchBuffer(encoder);
  let pendingWrite: Promise<void> | undefined;
  let cancelled = false;
  const openTrees = new Map<string, PageTree>();
  // The estimated bytes of the open trees' pages, counted against `batchBytes` with the buffer's.
  let heldBytes = 0;
  const full = () => buffer.rowCount >= batchSize || buffer.byteSize + heldBytes >= batchBytes;

  const flush = async () => {
    if (pendingWrite) await pendingWrite;
    pendingWrite = undefined;
    if (buffer.isEmpty) return;
    if (signal?.aborted) {
      cancelled = true;
      return;
    }
    const batch = buildBatch(context, buffer);
    buffer = new BatchBuffer(encoder);
    pendingWrite = writeBatch(context, batch);
    // Keep a rejected write from being reported as unhandled before it is awaited.
    pendingWrite.catch(() => undefined);
  };

  /**
   * Adds a whole page tree to the batch: its pages are never encoded, so when they would join
   * encoded pages the batch is written first (unless the run was cancelled: then nothing is added).
   */
  const addTree = async (tree: PageTree) => {
    if (tree.pages.some((held) => buffer.mixes(held.batches))) await flush();
    if (cancelled) return;
    for (const page of tree.pages) buffer.add(page.batches, page.bytes, false);
    for (const [resource, state] of tree.states) buffer.setState(resource, state);
  };

  try {
    const pages =
      options.pages ??
      source.pages({
        events: context.events,
        checkpoints,
        incremental: Object.fromEntries(
          [...context.cursors].map(([resource, cursors]) => [resource, { cursors: { ...cursors } }]),
        ),
        ...(signal === undefined ? {} : { signal }),
        ...(context.maxConcurrency === undefined ? {} : { maxConcurrency: context.maxConcurrency }),
      });
    for await (const page of pages) {
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const normalized = normalizePage(context, page);
      const stats = context.stats.get(page.resource);
      if (stats) {
        stats.pages += 1;
        stats.rows += page.records.length;
      }
      if (page.cursor) {
        const cursors = context.cursors.get(page.resource) ?? {};
        context.cursors.set(page.resource, { ...cursors, [page.cursor.key]: page.cursor.value });
      }
      // Built when the batch is drained: only the last page's state before it is stored.
      const state = pendingState(context, page.resource, page.checkpoint);
      if (page.tree) {
        // A page tree is held until its last page, then goes into the batch whole.
        const tree: PageTree = openTrees.get(page.tree.root) ?? { pages: [], states: new Map(), bytes: 0 };
        openTrees.set(page.tree.root, tree);
        const bytes = estimatePageBytes(normalized);
        tree.pages.push({ batches: normalized, bytes });
        tree.bytes += bytes;
        heldBytes += bytes;
        tree.states.set(page.resource, state);
        if (page.tree.end) {
          const { root } = page.tree;
          tree.states.set(root, pendingState(context, root, page.tree.end.checkpoint));
          openTrees.delete(root);
          heldBytes -= tree.bytes;
          await addTree(tree);
          if (cancelled) break;
        }
      } else {
        // A page refused (its rows would join encoded pages of their table) starts the next batch.
        if (!buffer.add(normalized)) {
          await flush();
          if (cancelled) break;
          buffer.add(normalized);
        }
        buffer.setState(page.resource, state);
      }
      if (full()) await flush();
    }
    // A source that ended without closing a tree yielded it whole all the same.
    for (const tree of openTrees.values()) {
      if (cancelled) break;
      await addTree(tree);
    }
    await flush();
  } catch (error) {
    // A fetch or normalize failure must not leave a write running under the failed load's bookkeeping.
    const writeFailure = await pendingWrite?.then(
      () => undefined,
      (failure: unknown) => ({ failure }),
    );
    // A cancelled source stops by throwing its abort error; a write that failed meanwhile is still a failure.
    if (!signal?.aborted) throw error;
    if (writeFailure) throw writeFailure.failure;
    return 'cancelled';
  }
  if (pendingWrite) await pendingWrite;
  return cancelled ? 'cancelled' : 'loaded';
}

/** The pages of a page tree not yet complete (with their estimated bytes), and the states they reached, per resource. */
interface PageTree {
  pages: { batches: TableBatch[]; bytes: number }[];
  states: Map<string, () => ResourceState>;
  bytes: number;
}

/**
 * The `in_progress` state of a resource after a page, made when called: its checkpoint (if any)
 * and the cursors as they are now (each page replaces the cursors object, never changes it).
 */
function pendingState(
  context: RunContext,
  resource: string,
  checkpoint: PaginatorCheckpoint | undefined,
): () => ResourceState {
  const cursors = context.cursors.get(resource);
  return () =>
    nextResourceState(context.storedStates.get(resource), {
      resource,
      status: 'in_progress',
      ...(checkpoint ? { checkpoint } : {}),
      ...(cursors ? { incremental: { cursors } } : {}),
      loadId: context.loadId,
    });
}

function normalizePage(context: RunContext, page: SourcePage) {
  try {
    return context.normalizer.normalize(page.resource, page.records, context.loadId);
  } catch (error) {
    if (error instanceof SchemaError) {
      throw new SchemaError(
        `${error.message} (page ${page.index + 1}, ${page.request.method} ${page.request.url})`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function buildBatch(context: RunContext, buffer: BatchBuffer): LoadBatch {
  const changes = context.normalizer.takeChanges();
  const schema = context.normalizer.schema();
  for (const change of changes) {
    context.events.emit({
      type: 'schema_changed',
      table: change.table,
      version: schema.version,
      added: change.addedColumns,
    });
  }
  const { tables, states } = buffer.drain();
  // Every table batch carries the latest table schema, so earlier rows meet the grown columns.
  const current = tables.map(
    (entry): TableBatch => ({ ...entry, table: context.normalizer.table(entry.table.name) ?? entry.table }),
  );
  return { loadId: context.loadId, ...(changes.length > 0 ? { schema } : {}), tables: current, states };
}

async function writeBatch(context: RunContext, batch: LoadBatch): Promise<void> {
  const startedAt = Date.now();
  const written = await context.session.write(batch);
  const durationMs = Date.now() - startedAt;
  context.committed.batches += 1;
  const perResource = new Map<string, Record<string, number>>();
  const rootCounts = new Map<string, TableWriteCounts>();
  for (const entry of batch.tables) {
    const rows = tableBatchRowCount(entry);
    context.tableRows.set(entry.table.name, (context.tableRows.get(entry.table.name) ?? 0) + rows);
    const counts = perResource.get(entry.table.resource) ?? {};
    counts[entry.table.name] = rows;
    perResource.set(entry.table.resource, counts);
    const reported = written ? written.tables[entry.table.name] : undefined;
    if (reported !== undefined && entry.table.parent === undefined) {
      rootCounts.set(entry.table.resource, reported);
      const stats = context.stats.get(entry.table.resource);
      if (stats) {
        stats.inserted = (stats.inserted ?? 0) + reported.inserted;
        stats.updated = (stats.updated ?? 0) + reported.updated;
      }
    }
  }
  for (const [resource, tables] of perResource) {
    const rows = Object.values(tables).reduce((sum, count) => sum + count, 0);
    const counts = rootCounts.get(resource);
    context.events.emit({
      type: 'batch_loaded',
      resource,
      rows,
      tables,
      durationMs,
      ...(counts ? { inserted: counts.inserted, updated: counts.updated } : {}),
    });
  }
}
