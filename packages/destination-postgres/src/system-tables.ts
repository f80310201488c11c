import type { LoadRecord, ResourceState, Schema } from '@restsync/core';
import { qualifiedName, quoteIdentifier } from './identifier';
import type { SqlExecutor } from './sql-client';

/** Names of the bookkeeping tables every dataset holds. */
export const systemTables = {
  loads: '_restsync_loads',
  state: '_restsync_state',
  schemas: '_restsync_schemas',
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
       load_id text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (pipeline, resource))`,
  );
  await executor.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(dataset, systemTables.schemas)} (
       version bigint PRIMARY KEY, schema jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
}

function isoString(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** Upserts the state of one resource for a pipeline. The checkpoint is serialized here. */
export async function writeState(
  executor: SqlExecutor,
  dataset: string,
  pipeline: string,
  state: ResourceState,
): Promise<void> {
  const checkpoint = state.checkpoint === undefined ? null : JSON.stringify(state.checkpoint);
  await executor.query(
    `INSERT INTO ${qualifiedName(dataset, systemTables.state)}
       (pipeline, resource, status, checkpoint, load_id, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)
     ON CONFLICT (pipeline, resource) DO UPDATE SET status = EXCLUDED.status, checkpoint = EXCLUDED.checkpoint,
       load_id = EXCLUDED.load_id, updated_at = EXCLUDED.updated_at`,
    [pipeline, state.resource, state.status, checkpoint, state.loadId, state.updatedAt],
  );
}

export async function readState(
  executor: SqlExecutor,
  dataset: string,
  pipeline: string,
  resource: string,
): Promise<ResourceState | undefined> {
  const rows = await executor.query<{
    status: ResourceState['status'];
    checkpoint: ResourceState['checkpoint'] | null;
    load_id: string;
    updated_at: unknown;
  }>(
    `SELECT status, checkpoint, load_id, updated_at FROM ${qualifiedName(dataset, systemTables.state)}
     WHERE pipeline = $1 AND resource = $2`,
    [pipeline, resource],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    resource,
    status: row.status,
    ...(row.checkpoint === null ? {} : { checkpoint: row.checkpoint }),
    loadId: row.load_id,
    updatedAt: isoString(row.updated_at),
  };
}

/** Stores a schema version (a rerun of the same version overwrites it). */
export async function storeSchema(executor: SqlExecutor, dataset: string, schema: Schema): Promise<void> {
  await executor.query(
    `INSERT INTO ${qualifiedName(dataset, systemTables.schemas)} (version, schema) VALUES ($1, $2::jsonb)
     ON CONFLICT (version) DO UPDATE SET schema = EXCLUDED.schema, created_at = now()`,
    [schema.version, JSON.stringify(schema)],
  );
}

/** The stored schema with the highest version. */
export async function readStoredSchema(executor: SqlExecutor, dataset: string): Promise<Schema | undefined> {
  const rows = await executor.query<{ schema: Schema }>(
    `SELECT schema FROM ${qualifiedName(dataset, systemTables.schemas)} ORDER BY version DESC LIMIT 1`,
  );
  return rows[0]?.schema;
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
