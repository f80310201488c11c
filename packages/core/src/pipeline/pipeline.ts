import type { Destination, DestinationSession, LoadBatch } from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { ResourceInfo, Source, SourcePage } from '../contracts/source';
import { ConfigError, SchemaError } from '../errors';
import { createEventBus, type EventBus, type EventListener } from '../events';
import { createNormalizer, type Normalizer } from '../normalize/normalizer';
import { BatchBuffer } from './batch-buffer';
import { createLoadId } from './load-id';
import { type ResourceRunStats, type RunResult, summarize } from './run-result';

export interface PipelineOptions {
  /** The pipeline's name; state is kept per pipeline and resource. */
  name: string;
  destination: Destination;
  /** Postgres schema / MongoDB database to load into. @default `<name>_dataset` */
  dataset?: string;
  /** Rows buffered before a batch is written (one transaction per batch). @default 10000 */
  batchSize?: number;
  /** Continue an interrupted run from the stored paginator checkpoints. @default true */
  resume?: boolean;
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
   */
  run(source: Source): Promise<RunResult>;
}

/** Creates a pipeline that loads sources into one destination dataset. */
export function pipeline(options: PipelineOptions): Pipeline {
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
    run: (source) => runPipeline({ ...options, dataset }, source, [...listeners]),
  };
}

function validateResources(resources: ResourceInfo[], destination: Destination): void {
  const issues = [];
  for (const [index, resource] of resources.entries()) {
    if (resource.writeDisposition === 'merge' && resource.primaryKey.length === 0) {
      issues.push({
        path: `resources[${index}].primaryKey`,
        message: `resource "${resource.name}" uses write disposition "merge", which needs a primary key`,
      });
    }
    if (resource.writeDisposition === 'merge' && !destination.capabilities.merge) {
      issues.push({
        path: `resources[${index}].writeDisposition`,
        message: `destination "${destination.type}" does not support "merge"`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

interface RunContext {
  loadId: string;
  session: DestinationSession;
  normalizer: Normalizer;
  events: EventBus;
  stats: Map<string, ResourceRunStats>;
  tableRows: Map<string, number>;
}

async function runPipeline(
  options: PipelineOptions & { dataset: string },
  source: Source,
  listeners: EventListener[],
): Promise<RunResult> {
  validateResources(source.resources, options.destination);
  const startedAt = Date.now();
  const loadId = createLoadId(startedAt);
  let retries = 0;
  const events = createEventBus({
    redactor: source.redactor,
    listeners: [
      (event) => {
        if (event.type === 'retry') retries += 1;
      },
      ...listeners,
    ],
  });
  const redact = (text: string) => source.redactor.redact(text);

  const session = await options.destination.open({ pipeline: options.name, dataset: options.dataset });
  const stats = new Map<string, ResourceRunStats>(
    source.resources.map((resource) => [resource.name, { rows: 0, pages: 0 }]),
  );
  const tableRows = new Map<string, number>();
  const baseResult = () => ({
    loadId,
    pipeline: options.name,
    dataset: options.dataset,
    destination: options.destination.description,
    resources: Object.fromEntries(stats),
    tables: Object.fromEntries(tableRows),
    pages: [...stats.values()].reduce((sum, entry) => sum + entry.pages, 0),
    retries,
    durationMs: Date.now() - startedAt,
  });

  try {
    const storedSchema = await session.readSchema();
    const normalizer = createNormalizer({
      resources: source.resources,
      schema: storedSchema,
      nesting: options.destination.capabilities.nesting,
      maxIdentifierLength: options.destination.capabilities.maxIdentifierLength,
    });
    const checkpoints = options.resume === false ? {} : await readCheckpoints(session, source.resources);
    await session.startLoad({
      loadId,
      pipeline: options.name,
      dataset: options.dataset,
      status: 'running',
      startedAt: new Date(startedAt).toISOString(),
    });
    const context: RunContext = { loadId, session, normalizer, events, stats, tableRows };
    await loadPages(context, source, checkpoints, options.batchSize ?? 10_000);
    for (const resource of source.resources) {
      const tables = normalizer.schema().tables.filter((table) => table.resource === resource.name);
      await session.completeResource({
        loadId,
        resource: resource.name,
        writeDisposition: resource.writeDisposition,
        tables,
        state: { resource: resource.name, status: 'complete', loadId, updatedAt: new Date().toISOString() },
      });
      const resourceStats = stats.get(resource.name) ?? { rows: 0, pages: 0 };
      events.emit({ type: 'resource_done', resource: resource.name, ...resourceStats });
    }
    const result = { ...baseResult(), status: 'succeeded' as const };
    await session.finishLoad({
      loadId,
      pipeline: options.name,
      dataset: options.dataset,
      status: 'succeeded',
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date().toISOString(),
      rows: result.tables,
    });
    return { ...result, summary: () => summarize(result) };
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error));
    await session
      .finishLoad({
        loadId,
        pipeline: options.name,
        dataset: options.dataset,
        status: 'failed',
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date().toISOString(),
        rows: Object.fromEntries(tableRows),
        error: message,
      })
      .catch(() => undefined);
    events.emit({ type: 'log', level: 'error', message });
    throw error;
  } finally {
    await session.close();
  }
}

async function readCheckpoints(
  session: DestinationSession,
  resources: ResourceInfo[],
): Promise<Record<string, PaginatorCheckpoint>> {
  const checkpoints: Record<string, PaginatorCheckpoint> = {};
  for (const resource of resources) {
    if (resource.writeDisposition === 'replace') continue;
    const state = await session.readState(resource.name);
    if (state?.status === 'in_progress' && state.checkpoint) checkpoints[resource.name] = state.checkpoint;
  }
  return checkpoints;
}

/**
 * Streams pages into bounded batches. While one batch is being written the next one is filled,
 * so fetching and loading overlap; at most two batches are in memory.
 */
async function loadPages(
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
      buffer.setState({
        resource: page.resource,
        status: 'in_progress',
        ...(page.checkpoint ? { checkpoint: page.checkpoint } : {}),
        loadId: context.loadId,
        updatedAt: new Date().toISOString(),
      });
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
