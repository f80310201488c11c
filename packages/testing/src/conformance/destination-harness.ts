import type {
  Destination,
  DestinationCapabilities,
  DestinationSession,
  LoadBatch,
  Row,
  TableSchema,
} from '@restsync/core';
import { afterAll, afterEach, type TestContext } from 'vitest';
import { project, resourceState, testLoadId, uniqueDatasetName } from './destination-fixtures';

export interface DestinationConformanceOptions {
  /** Shown in the suite names: `<name>: destination <concern>`. */
  name: string;
  /** Creates the destination under test (called for every session the suite opens). */
  create: () => Destination | Promise<Destination>;
  /**
   * Reads every row of a table (collection) back through a connection other than the session's,
   * as plain values: numbers for bigint/double, booleans, strings for text, a Date or an ISO
   * string for timestamp, parsed JSON for json, null for NULL. For `_restsync_loads`, rows
   * with `load_id`, `status`, `started_at`, `finished_at`, `rows`, `error` (camelCase accepted).
   */
  readRows: (dataset: string, table: string) => Promise<Row[]>;
  /** Removes a dataset the suite created (called after the suite). */
  dropDataset?: (dataset: string) => Promise<void>;
}

/** What one simulated pipeline run writes. */
export interface RunSpec {
  loadId?: string;
  pipeline?: string;
  /** Batches without their load id (the run's is used). */
  batches: Array<Omit<LoadBatch, 'loadId'>>;
  /** Resources to complete after the batches, with every table each one filled. */
  complete: Array<{ resource: string; tables: TableSchema[] }>;
}

/** The helpers every part of the destination suite shares. */
export interface DestinationHarness {
  /** A fresh dataset, dropped after the suite. */
  newDataset: () => string;
  /** Opens a session (closed after the test). */
  open: (dataset: string, pipeline?: string) => Promise<DestinationSession>;
  close: (session: DestinationSession) => Promise<void>;
  /** The pipeline's call sequence: read schema and state, start, write, complete, finish, close. */
  run: (dataset: string, spec: RunSpec) => Promise<string>;
  /**
   * One `run` of one resource, without states: each batch holds the rows of the given tables; the
   * resource (the first table's) completes with every table of the batches.
   */
  load: (
    dataset: string,
    loadId: string,
    batches: Array<Array<{ table: TableSchema; rows: Row[] }>>,
  ) => Promise<string>;
  /** The rows of a table with only `fields`, sorted by them. */
  read: (dataset: string, table: string, fields: string[]) => Promise<Row[]>;
  /** The capabilities the destination declares. */
  capabilities: () => Promise<DestinationCapabilities>;
  /**
   * Skips the running test when the destination does not declare what it needs, e.g.
   * `await requires(context, 'merge', (capabilities) => capabilities.merge)`.
   */
  requires: (
    context: TestContext,
    what: string,
    check: (capabilities: DestinationCapabilities) => boolean,
  ) => Promise<void>;
}

/**
 * Sets up the shared helpers inside a `describe`: sessions close after each test, datasets are
 * dropped after the suite.
 */
export function destinationHarness(options: DestinationConformanceOptions): DestinationHarness {
  const datasets: string[] = [];
  const sessions = new Set<DestinationSession>();
  let declared: Promise<DestinationCapabilities> | undefined;

  afterEach(async () => {
    for (const session of sessions) await session.close();
    sessions.clear();
  });

  afterAll(async () => {
    if (!options.dropDataset) return;
    for (const dataset of datasets) await options.dropDataset(dataset);
  });

  const open = async (dataset: string, pipeline = 'conformance') => {
    const destination = await options.create();
    const session = await destination.open({ pipeline, dataset });
    sessions.add(session);
    return session;
  };

  const close = async (session: DestinationSession) => {
    sessions.delete(session);
    await session.close();
  };

  const run: DestinationHarness['run'] = async (dataset, spec) => {
    const loadId = spec.loadId ?? testLoadId();
    const pipeline = spec.pipeline ?? 'conformance';
    const session = await open(dataset, pipeline);
    await session.readSchema();
    for (const { resource } of spec.complete) await session.readState(resource);
    const startedAt = new Date().toISOString();
    await session.startLoad({ loadId, pipeline, dataset, status: 'running', startedAt });
    for (const batch of spec.batches) await session.write({ ...batch, loadId });
    for (const { resource, tables } of spec.complete) {
      await session.completeResource({
        loadId,
        resource,
        writeDisposition: tables[0]?.writeDisposition ?? 'append',
        tables,
        state: resourceState(resource, loadId, undefined, 'complete'),
      });
    }
    const rows: Record<string, number> = {};
    for (const batch of spec.batches) {
      for (const { table, rows: tableRows } of batch.tables) {
        rows[table.name] = (rows[table.name] ?? 0) + tableRows.length;
      }
    }
    await session.finishLoad({
      loadId,
      pipeline,
      dataset,
      status: 'succeeded',
      startedAt,
      finishedAt: new Date().toISOString(),
      rows,
    });
    await close(session);
    return loadId;
  };

  const capabilities = () => {
    declared ??= Promise.resolve(options.create()).then((destination) => destination.capabilities);
    return declared;
  };

  return {
    newDataset: () => {
      const dataset = uniqueDatasetName();
      datasets.push(dataset);
      return dataset;
    },
    open,
    close,
    capabilities,
    async requires(context, what, check) {
      if (!check(await capabilities())) context.skip(`the destination does not declare ${what}`);
    },
    read: async (dataset, table, fields) => project(await options.readRows(dataset, table), fields),
    run,
    load(dataset, loadId, batches) {
      const tables = new Map<string, TableSchema>();
      for (const batch of batches) for (const { table } of batch) tables.set(table.name, table);
      const root = [...tables.values()][0] as TableSchema;
      return run(dataset, {
        loadId,
        batches: batches.map((tablesOfBatch) => ({ tables: tablesOfBatch, states: [] })),
        complete: [{ resource: root.resource, tables: [...tables.values()] }],
      });
    },
  };
}
