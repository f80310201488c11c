import {
  type LoadRecord,
  migrateResourceState,
  migrateSchema,
  type ResourceState,
  type Schema,
} from '@restsync/core';
import { qualifiedName, quoteIdentifier } from './identifier';
import type { SqlExecutor } from './sql-client';

/** Names of the bookkeeping tables every dataset holds. */
export const systemTables = {
  loads: '_restsync_loads',
  state: '_restsync_state',
  schemas: '_restsync_schemas',
  leases: '_restsync_leases',
} as const;

/** Creates the dataset schema and its system tables when missing. */
export async function createSystemTables(executor: SqlExecutor, dataset: string): Promise<void> {
  await executor.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(dataset)}`);
  await executor.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(dataset, systemTables.loads)} (
       load_id text PRIMARY KEY, pipeline text NOT NULL, dataset text NOT NULL, status text NOT NULL,
       started_at timestamptz NOT NULL, finished_at timestamptz, rows jsonb, error text)`,
  );
  await executor.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(dataset, systemTables.state)} (
       pipeline text NOT NULL, resource text NOT NULL, status text NOT NULL, checkpoint jsonb,
       load_id text NOT NULL, updated_at timestamptz NOT NULL, state jsonb, PRIMARY KEY (pipeline, resource))`,
  );
  await addStateDocumentColumn(executor, dataset);
  await executor.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(dataset, systemTables.schemas)} (
       version bigint PRIMARY KEY, schema jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  // One row per pipeline: the run holding it, its fencing token (`version`) and its expiry.
  await executor.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(dataset, systemTables.leases)} (
       pipeline text PRIMARY KEY, dataset text NOT NULL, owner jsonb NOT NULL, version bigint NOT NULL,
       acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`,
  );
}

/**
 * A state table created by restsync 0.x has no `state` column: add it. Its rows keep their 0.x
 * columns and are migrated when read (`readState`); the next write of a resource stores its document.
 */
async function addStateDocumentColumn(executor: SqlExecutor, dataset: string): Promise<void> {
  const present = await executor.query(
    `SELECT 1 FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = 'state' AND NOT a.attisdropped`,
    [dataset, systemTables.state],
  );
  if (present.length > 0) return;
  await executor.query(
    `ALTER TABLE ${qualifiedName(dataset, systemTables.state)} ADD COLUMN IF NOT EXISTS state jsonb`,
  );
}

/**
 * Upserts the state document of one resource for a pipeline. The whole document goes into the
 * `state` column; `status`, `checkpoint`, `load_id` and `updated_at` repeat parts of it for
 * SQL readers, as restsync 0.x stored them.
 */
export async function writeState(
  executor: SqlExecutor,
  dataset: string,
  pipeline: string,
  state: ResourceState,
): Promise<void> {
  const document = JSON.stringify(state);
  const checkpoint = state.checkpoint === undefined ? null : JSON.stringify(state.checkpoint);
  await executor.query(
    `INSERT INTO ${qualifiedName(dataset, systemTables.state)}
       (pipeline, resource, status, checkpoint, load_id, updated_at, state)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)
     ON CONFLICT (pipeline, resource) DO UPDATE SET status = EXCLUDED.status, checkpoint = EXCLUDED.checkpoint,
       load_id = EXCLUDED.load_id, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state`,
    [pipeline, state.resource, state.status, checkpoint, state.loadId, state.updatedAt, document],
  );
}

/** The state document of a resource; a row written by 0.x (no document) is migrated from its columns. */
export async function readState(
  executor: SqlExecutor,
  dataset: string,
  pipeline: string,
  resource: string,
): Promise<ResourceState | undefined> {
  const rows = await executor.query<{
    state: unknown;
    status: unknown;
    checkpoint: unknown;
    load_id: unknown;
    updated_at: unknown;
  }>(
    `SELECT state, status, checkpoint, load_id, updated_at FROM ${qualifiedName(dataset, systemTables.state)}
     WHERE pipeline = $1 AND resource = $2`,
    [pipeline, resource],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.state !== null && row.state !== undefined) return migrateResourceState(row.state, resource);
  return migrateResourceState(
    {
      resource,
      status: row.status,
      checkpoint: row.checkpoint,
      loadId: row.load_id,
      updatedAt: row.updated_at,
    },
    resource,
  );
}

/** Stores a schema version (a rerun of the same version overwrites it). */
export async function storeSchema(executor: SqlExecutor, dataset: string, schema: Schema): Promise<void> {
  await executor.query(
    `INSERT INTO ${qualifiedName(dataset, systemTables.schemas)} (version, schema) VALUES ($1, $2::jsonb)
     ON CONFLICT (version) DO UPDATE SET schema = EXCLUDED.schema, created_at = now()`,
    [schema.version, JSON.stringify(schema)],
  );
}

/** The stored schema with the highest version, with 0.x column type names migrated. */
export async function readStoredSchema(executor: SqlExecutor, dataset: string): Promise<Schema | undefined> {
  const rows = await executor.query<{ schema: Schema }>(
    `SELECT schema FROM ${qualifiedName(dataset, systemTables.schemas)} ORDER BY version DESC LIMIT 1`,
  );
  return migrateSchema(rows[0]?.schema);
}

/** Inserts or updates a run's row in `_restsync_loads`. */
export async function recordLoad(executor: SqlExecutor, dataset: string, load: LoadRecord): Promise<void> {
  await executor.query(
    `INSERT INTO ${qualifiedName(dataset, systemTables.loads)}
       (load_id, pipeline, dataset, status, started_at, finished_at, rows, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
     ON CONFLICT (load_id) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
       rows = COALESCE(EXCLUDED.rows, ${quoteIdentifier(systemTables.loads)}.rows), error = EXCLUDED.error`,
    [
      load.loadId,
      load.pipeline,
      load.dataset,
      load.status,
      load.startedAt,
      load.finishedAt ?? null,
      load.rows === undefined ? null : JSON.stringify(load.rows),
      load.error ?? null,
    ],
  );
}

/** The pipeline's loads in `_restsync_loads`, newest first (`restsync runs`). */
export async function readLoads(
  executor: SqlExecutor,
  dataset: string,
  pipeline: string,
  limit: number,
): Promise<LoadRecord[]> {
  const rows = await executor.query<{
    load_id: string;
    status: LoadRecord['status'];
    started_at: Date | string;
    finished_at: Date | string | null;
    rows: Record<string, number> | null;
    error: string | null;
  }>(
    `SELECT load_id, status, started_at, finished_at, rows, error FROM ${qualifiedName(dataset, systemTables.loads)}
     WHERE pipeline = $1 ORDER BY started_at DESC, load_id DESC LIMIT $2`,
    [pipeline, limit],
  );
  const iso = (value: Date | string) => new Date(value).toISOString();
  return rows.map((row) => ({
    loadId: row.load_id,
    pipeline,
    dataset,
    status: row.status,
    startedAt: iso(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: iso(row.finished_at) }),
    ...(row.rows === null ? {} : { rows: row.rows }),
    ...(row.error === null ? {} : { error: row.error }),
  }));
}

/** Marks the pipeline's other loads still `running` as `abandoned`: their process died before recording the end. */
export async function abandonRunningLoads(
  executor: SqlExecutor,
  dataset: string,
  load: LoadRecord,
): Promise<void> {
  await executor.query(
    `UPDATE ${qualifiedName(dataset, systemTables.loads)} SET status = 'abandoned', finished_at = $3, error = $4
     WHERE pipeline = $1 AND status = 'running' AND load_id <> $2`,
    [
      load.pipeline,
      load.loadId,
      load.startedAt,
      `abandoned: its process stopped before recording the end of the load; load ${load.loadId} found it running`,
    ],
  );
}
