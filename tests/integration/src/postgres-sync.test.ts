import { ConfigError, pipeline } from '@restsync/core';
import { referenceRecords } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { failingDestination, injectedWriteFailure } from './sync-helpers/failing-destination';
import { openPostgresTarget, type PostgresTarget } from './sync-helpers/postgres-target';
import { seedSource, useSeedApi } from './sync-helpers/seed-source';

const recordCount = 1000;
const target: PostgresTarget = await openPostgresTarget();

interface StoredRow {
  id: number;
  name: string;
  value: number;
  updated_epoch: number;
  nested__a: number;
  nested__b: string;
  load_id: string;
}

async function storedRows(dataset: string): Promise<StoredRow[]> {
  return target.query<StoredRow>(
    `SELECT id::int AS id, name, value::float8 AS value,
            extract(epoch FROM updated_at)::float8 AS updated_epoch,
            nested__a::int AS nested__a, nested__b, _restsync_load_id AS load_id
     FROM "${dataset}".resource_name ORDER BY id`,
  );
}

function expectedRows(generation: number) {
  return [...referenceRecords(recordCount, generation)].map((record) => ({
    id: record.id,
    name: record.name,
    value: record.value,
    updated_epoch: Date.parse(record.updated_at) / 1000,
    nested__a: record.nested.a,
    nested__b: record.nested.b,
  }));
}

async function counts(dataset: string): Promise<{ rows: number; ids: number }> {
  const [row] = await target.query<{ rows: number; ids: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM "${dataset}".resource_name`,
  );
  return row as { rows: number; ids: number };
}

async function loads(dataset: string) {
  return target.query<{ load_id: string; status: string; rows: unknown; error: string | null }>(
    `SELECT load_id, status, rows, error FROM "${dataset}"._restsync_loads ORDER BY started_at, load_id`,
  );
}

async function states(dataset: string) {
  return target.query<{
    pipeline: string;
    resource: string;
    status: string;
    checkpoint: unknown;
    load_id: string;
  }>(`SELECT pipeline, resource, status, checkpoint, load_id FROM "${dataset}"._restsync_state`);
}

describe(`seed config synced into Postgres (${target.label})`, () => {
  const seedApi = useSeedApi(recordCount, () => target.close());

  it('should hold exactly N rows with the second run values after syncing twice', async () => {
    const dataset = target.dataset('sync_twice');
    const run = () =>
      pipeline({ name: 'seed', destination: target.destination(), dataset }).run(
        seedSource({ baseUrl: seedApi().url }),
      );
    const before = seedApi().stats();
    const first = await run();
    expect(first.status).toBe('succeeded');
    expect(await storedRows(dataset)).toEqual(
      expectedRows(1).map((row) => ({ ...row, load_id: first.loadId })),
    );

    seedApi().setGeneration(2);
    const second = await run();

    expect(second.status).toBe('succeeded');
    expect(second.tables).toEqual({ resource_name: recordCount });
    expect(await counts(dataset)).toEqual({ rows: recordCount, ids: recordCount });
    const rows = await storedRows(dataset);
    expect(rows).toEqual(expectedRows(2).map((row) => ({ ...row, load_id: second.loadId })));
    // Spot checks against the generator, so a mistake in expectedRows() cannot hide one in the load.
    for (const id of [1, 2, 137, 500, 999, 1000]) {
      const record = seedApi().record(id, 2);
      expect(rows[id - 1]).toMatchObject({ id, name: `name-${id}-g2`, value: record.value });
      expect(rows[id - 1]?.nested__a).toBe(record.nested.a);
      expect(rows[id - 1]?.updated_epoch).toBe(Date.parse(record.updated_at) / 1000);
    }
    // Ten pages of 100 per run, each fetched once.
    expect(seedApi().stats().served - before.served).toBe(20);
    expect(await loads(dataset)).toEqual([
      { load_id: first.loadId, status: 'succeeded', rows: { resource_name: recordCount }, error: null },
      { load_id: second.loadId, status: 'succeeded', rows: { resource_name: recordCount }, error: null },
    ]);
    expect(await states(dataset)).toEqual([
      {
        pipeline: 'seed',
        resource: 'resource_name',
        status: 'complete',
        checkpoint: null,
        load_id: second.loadId,
      },
    ]);
  });

  it('should lose and double nothing when a run dies between two batches, and resume from the checkpoint', async () => {
    const dataset = target.dataset('sync_resume');
    const dying = failingDestination(target.destination(), { failOnWrite: 3 });

    const failure = await pipeline({ name: 'seed', destination: dying, dataset, batchSize: 200 })
      .run(seedSource({ baseUrl: seedApi().url }))
      .catch((error: unknown) => error);

    expect((failure as Error).message).toBe(injectedWriteFailure);
    // Batches 1 and 2 (ids 1..400) were committed with their state; batch 3 never was.
    expect(await counts(dataset)).toEqual({ rows: 400, ids: 400 });
    expect(await states(dataset)).toEqual([
      expect.objectContaining({
        status: 'in_progress',
        checkpoint: expect.objectContaining({ offset: 400 }),
      }),
    ]);

    const rerun = await pipeline({
      name: 'seed',
      destination: target.destination(),
      dataset,
      batchSize: 200,
    }).run(seedSource({ baseUrl: seedApi().url }));

    expect(rerun.status).toBe('succeeded');
    // The rerun fetched offsets 400..900 only: six pages, 600 records. (The server's own counters
    // cannot tell: pages the failed run had requested ahead may still be served after it failed.)
    // Nothing of the lost batch reached the table: all 600 are new rows.
    expect(rerun.resources.resource_name).toEqual({ rows: 600, pages: 6, inserted: 600, updated: 0 });
    expect(await counts(dataset)).toEqual({ rows: recordCount, ids: recordCount });
    const rows = await storedRows(dataset);
    expect(rows.map(({ load_id, ...row }) => row)).toEqual(expectedRows(1));
    const loadIds = rows.map((row) => row.load_id);
    expect(new Set(loadIds.slice(0, 400)).size).toBe(1);
    expect(loadIds.slice(400).every((loadId) => loadId === rerun.loadId)).toBe(true);
    expect(loadIds[0]).not.toBe(rerun.loadId);

    const recorded = await loads(dataset);
    expect(recorded).toEqual([
      {
        load_id: loadIds[0],
        status: 'failed',
        rows: { resource_name: 400 },
        error: injectedWriteFailure,
      },
      { load_id: rerun.loadId, status: 'succeeded', rows: { resource_name: 600 }, error: null },
    ]);
    expect(await states(dataset)).toEqual([
      expect.objectContaining({ status: 'complete', load_id: rerun.loadId }),
    ]);
  });

  it('should refuse merge without a primary key with a ConfigError before any request', async () => {
    const dataset = target.dataset('sync_no_key');
    const before = seedApi().stats();

    const error = await (async () =>
      pipeline({ name: 'seed', destination: target.destination(), dataset }).run(
        seedSource({ baseUrl: seedApi().url, resourceDefaults: { writeDisposition: 'merge' } }),
      ))().catch((caught: unknown) => caught);

    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'resourceDefaults.primaryKey',
        message: expect.stringContaining('writeDisposition "merge" needs a primary key'),
      },
    ]);
    expect(seedApi().stats().requests - before.requests).toBe(0);
  });
});
