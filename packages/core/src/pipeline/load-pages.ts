import type { DestinationSession, LoadBatch, ResourceState } from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { Source, SourcePage } from '../contracts/source';
import { SchemaError } from '../errors';
import type { EventBus } from '../events';
import type { Normalizer } from '../normalize/normalizer';
import { BatchBuffer } from './batch-buffer';
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
  /** The stored state document of each resource at the start of the run; new states build on it. */
  storedStates: Map<string, ResourceState>;
}

/**
 * Streams pages into bounded batches. While one batch is being written the next one is filled,
 * so fetching and loading overlap; at most two batches are in memory.
 */
export async function loadPages(
  context: RunContext,
  source: Source,
  checkpoints: Record<string, PaginatorCheckpoint>,
  batchSize: number,
): Promise<void> {
  let buffer = new BatchBuffer();
  let pendingWrite: Promise<void> | undefined;

  const flush = async () => {
    if (pendingWrite) await pendingWrite;
    pendingWrite = undefined;
    if (buffer.isEmpty) return;
    const batch = buildBatch(context, buffer);
    buffer = new BatchBuffer();
    pendingWrite = writeBatch(context, batch);
    // Keep a rejected write from being reported as unhandled before it is awaited.
    pendingWrite.catch(() => undefined);
  };

  try {
    for await (const page of source.pages({ events: context.events, checkpoints })) {
      buffer.add(normalizePage(context, page));
      const stats = context.stats.get(page.resource);
      if (stats) {
        stats.pages += 1;
        stats.rows += page.records.length;
      }
      buffer.setState(
        nextResourceState(context.storedStates.get(page.resource), {
          resource: page.resource,
          status: 'in_progress',
          ...(page.checkpoint ? { checkpoint: page.checkpoint } : {}),
          loadId: context.loadId,
        }),
      );
      if (buffer.rowCount >= batchSize) await flush();
    }
    await flush();
  } finally {
    // A fetch or normalize failure must not leave a write running under the failed load's bookkeeping.
    await pendingWrite?.catch(() => undefined);
  }
  if (pendingWrite) await pendingWrite;
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
  const current = tables.map((entry) => ({
    table: context.normalizer.table(entry.table.name) ?? entry.table,
    rows: entry.rows,
  }));
  return { loadId: context.loadId, ...(changes.length > 0 ? { schema } : {}), tables: current, states };
}

async function writeBatch(context: RunContext, batch: LoadBatch): Promise<void> {
  await context.session.write(batch);
  const perResource = new Map<string, Record<string, number>>();
  for (const entry of batch.tables) {
    context.tableRows.set(
      entry.table.name,
      (context.tableRows.get(entry.table.name) ?? 0) + entry.rows.length,
    );
    const counts = perResource.get(entry.table.resource) ?? {};
    counts[entry.table.name] = entry.rows.length;
    perResource.set(entry.table.resource, counts);
  }
  for (const [resource, tables] of perResource) {
    const rows = Object.values(tables).reduce((sum, count) => sum + count, 0);
    context.events.emit({ type: 'batch_loaded', resource, rows, tables });
  }
}
