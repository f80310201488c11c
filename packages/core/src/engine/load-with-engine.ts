import type { Schema, TableSchema } from '../contracts/schema';
import type { Source } from '../contracts/source';
import { ConfigError } from '../errors';
import type { RunContext } from '../pipeline/load-pages';
import type { Engine, UnitJob, UnitResult } from './engine';
import { assertPlainDefinition, planWorkUnits } from './plan';

/** What the run passes to `loadWithEngine`. */
export interface EngineLoadOptions {
  engine: Engine;
  pipeline: string;
  dataset: string;
  /** The destination's description (password redacted); workers open their own connection. */
  destination: string;
  batchSize: number;
  /** The unit leases' time to live (the pipeline's `leaseTtlMs`). */
  leaseTtlMs: number;
  fullRefresh: boolean;
  /** Pages per unit for resources split by page ranges. @default 20 */
  pagesPerUnit?: number;
}

/**
 * The distributed counterpart of `loadPages`: plans the run's units, hands them to the engine, and
 * adds every unit's counts, cursors and tables to the run's context, so the pipeline completes the
 * resources and records the run as it does for a local run. The caller holds the pipeline's lease.
 */
export async function loadWithEngine(
  context: RunContext,
  source: Source,
  options: EngineLoadOptions,
): Promise<'loaded' | 'cancelled'> {
  const definition = source.definition;
  if (definition === undefined) {
    throw new ConfigError([
      {
        path: 'source',
        message:
          'a distributed run needs a source built from a config (restApiSource or loadRestApiSource), so workers can build it again',
      },
    ]);
  }
  assertPlainDefinition(definition.config);
  const units = await planWorkUnits({
    definition: definition.config,
    source,
    loadSource: definition.load,
    ...(options.pagesPerUnit === undefined ? {} : { pagesPerUnit: options.pagesPerUnit }),
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const jobs: UnitJob[] = units.map((unit) => ({
    specificationVersion: 'v1',
    loadId: context.loadId,
    pipeline: options.pipeline,
    dataset: options.dataset,
    destination: options.destination,
    definition: definition.config,
    unit,
    batchSize: options.batchSize,
    leaseTtlMs: options.leaseTtlMs,
    incremental: Object.fromEntries(
      unit.resources.flatMap((resource) => {
        const cursors = context.cursors.get(resource);
        return cursors ? [[resource, { cursors }]] : [];
      }),
    ),
    fullRefresh: options.fullRefresh,
  }));
  let results: UnitResult[];
  try {
    results = await options.engine.runUnits({
      jobs,
      onEvent: (event) => context.events.emit(event),
      ...(context.signal ? { signal: context.signal } : {}),
    });
  } catch (error) {
    if (context.signal?.aborted) return 'cancelled';
    throw error;
  }
  for (const result of results) addResult(context, result);
  await storeCombinedSchema(context, results);
  return 'loaded';
}

function addResult(context: RunContext, result: UnitResult): void {
  for (const [resource, counts] of Object.entries(result.resources)) {
    const stats = context.stats.get(resource);
    if (stats) {
      stats.rows += counts.rows;
      stats.pages += counts.pages;
      if (counts.inserted !== undefined) stats.inserted = (stats.inserted ?? 0) + counts.inserted;
      if (counts.updated !== undefined) stats.updated = (stats.updated ?? 0) + counts.updated;
    }
  }
  for (const [table, rows] of Object.entries(result.tables)) {
    context.tableRows.set(table, (context.tableRows.get(table) ?? 0) + rows);
  }
  context.committed.batches += result.batches;
  for (const [resource, cursors] of Object.entries(result.cursors)) {
    context.cursors.set(resource, { ...context.cursors.get(resource), ...cursors });
  }
}

/**
 * Workers evolve the schema concurrently, each from the version it read; the run stores one version
 * with every table the units filled (the widest definition of each), so the next run starts from all of them.
 */
async function storeCombinedSchema(context: RunContext, results: UnitResult[]): Promise<void> {
  const stored = await context.session.readSchema();
  const tables = new Map<string, TableSchema>((stored?.tables ?? []).map((table) => [table.name, table]));
  let changed = false;
  for (const table of results.flatMap((result) => result.schemaTables)) {
    const known = tables.get(table.name);
    if (!known || table.columns.length > known.columns.length) {
      tables.set(table.name, table);
      changed = changed || !known || JSON.stringify(known) !== JSON.stringify(table);
    }
  }
  if (!changed) return;
  const schema: Schema = { version: (stored?.version ?? 0) + 1, tables: [...tables.values()] };
  await context.session.write({ loadId: context.loadId, schema, tables: [], states: [] });
}
