import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError, type Destination, loadRestApiSource, pipeline } from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import { postgres } from '@restsync/destination-postgres';
import type { TestServer } from '@restsync/test-server';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiRecord, startCollectionsApi } from './sync-helpers/collections-api';
import { type MongodbTarget, openMongodbTarget } from './sync-helpers/mongodb-target';

// The write_disposition dict form end to end: a dlt-form JSON config, a real HTTP server whose
// records change between runs, and real Postgres (DATABASE_URL) and PGlite, then MongoDB through
// the wire test server. Pages hold two records and batches one page, so a run writes several batches.

function source(server: TestServer, resource: Record<string, unknown>) {
  return loadRestApiSource({
    client: { base_url: `${server.url}/v1` },
    resources: [
      {
        endpoint: {
          path: resource.name,
          data_selector: 'data',
          paginator: { type: 'offset', limit: 2 },
        },
        ...resource,
      },
    ],
  });
}

interface PostgresUnderTest {
  label: string;
  destination: () => Destination;
  query: <Row>(sql: string) => Promise<Row[]>;
  close: () => Promise<void>;
}

const postgresTargets: Array<() => Promise<PostgresUnderTest>> = [
  async () => {
    const database = await PGlite.create();
    return {
      label: 'PGlite',
      destination: () => postgres({ client: database }),
      query: async <Row>(sql: string) => (await database.query<Row>(sql)).rows,
      close: () => database.close(),
    };
  },
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  postgresTargets.push(async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    return {
      label: 'Postgres server at DATABASE_URL',
      destination: () => postgres({ url: databaseUrl }),
      query: async <Row>(sql: string) => (await pool.query(sql)).rows as Row[],
      close: () => pool.end(),
    };
  });
}

const datasetName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

for (const openTarget of postgresTargets) {
  const target = await openTarget();
  const datasets: string[] = [];
  const newDataset = (prefix: string) => {
    const name = datasetName(prefix);
    datasets.push(name);
    return name;
  };
  afterAll(async () => {
    for (const name of datasets) await target.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await target.close();
  });

  describe(`merge strategies from a dlt config into ${target.label}`, () => {
    it('scd2 - should keep every version over three runs: a change, a deletion and a re-insert, with nested lists', async () => {
      let customers: ApiRecord[] = [
        { id: 1, name: 'Ada', tags: ['math'] },
        { id: 2, name: 'Brian', tags: ['c', 'unix'] },
        { id: 3, name: 'Cleo', tags: [] },
      ];
      const server = await startCollectionsApi({ customers: () => customers });
      const dataset = newDataset('scd2_runs');
      const run = async (boundary: string) => {
        const result = await pipeline({
          name: 'scd2',
          destination: target.destination(),
          dataset,
          batchSize: 2,
        }).run(
          await source(server, {
            name: 'customers',
            primary_key: 'id',
            write_disposition: { disposition: 'merge', strategy: 'scd2', boundary_timestamp: boundary },
          }),
        );
        expect(result.status).toBe('succeeded');
      };
      const times = [
        '2024-01-01T00:00:00Z',
        '2024-02-01T00:00:00Z',
        '2024-03-01T00:00:00Z',
        '2024-04-01T00:00:00Z',
      ];
      await run(times[0] as string);
      // A change: Ada's name, and Brian's nested list.
      customers = [
        { id: 1, name: 'Ada L.', tags: ['math'] },
        { id: 2, name: 'Brian', tags: ['c'] },
        { id: 3, name: 'Cleo', tags: [] },
      ];
      await run(times[1] as string);
      // A deletion: Cleo is gone from the full extract.
      customers = customers.filter((customer) => customer.id !== 3);
      await run(times[2] as string);
      // A re-insert: Cleo comes back as she was.
      customers = [...customers, { id: 3, name: 'Cleo', tags: [] }];
      await run(times[3] as string);

      const versions = await target.query<{
        id: number;
        name: string;
        from: string;
        to: string | null;
        tags: string;
      }>(
        `SELECT c.id::int AS id, c.name,
                to_char(c._restsync_valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "from",
                to_char(c._restsync_valid_to AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "to",
                coalesce((SELECT string_agg(t.value, ',' ORDER BY t._restsync_list_idx) FROM "${dataset}".customers__tags t
                          WHERE t._restsync_root_id = c._restsync_id), '') AS tags
         FROM "${dataset}".customers c ORDER BY c.id, c._restsync_valid_from`,
      );
      expect(versions).toEqual([
        { id: 1, name: 'Ada', from: '2024-01-01', to: '2024-02-01', tags: 'math' },
        { id: 1, name: 'Ada L.', from: '2024-02-01', to: null, tags: 'math' },
        { id: 2, name: 'Brian', from: '2024-01-01', to: '2024-02-01', tags: 'c,unix' },
        { id: 2, name: 'Brian', from: '2024-02-01', to: null, tags: 'c' },
        { id: 3, name: 'Cleo', from: '2024-01-01', to: '2024-03-01', tags: '' },
        { id: 3, name: 'Cleo', from: '2024-04-01', to: null, tags: '' },
      ]);
      // Unchanged versions wrote no second copy of their nested rows.
      const [tagCount] = await target.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "${dataset}".customers__tags`,
      );
      expect(tagCount?.count).toBe(5);
      await server.close();
    });

    it('scd2 - should use the configured validity columns, active record timestamp and the run start as boundary', async () => {
      let rates: ApiRecord[] = [
        { currency: 'EUR', rate: 1 },
        { currency: 'USD', rate: 1.1 },
      ];
      const server = await startCollectionsApi({ rates: () => rates });
      const dataset = newDataset('scd2_options');
      const run = async () => {
        const startedAt = Date.now();
        const result = await pipeline({ name: 'rates', destination: target.destination(), dataset }).run(
          await source(server, {
            name: 'rates',
            write_disposition: {
              disposition: 'merge',
              strategy: 'scd2',
              validity_column_names: ['valid_from', 'valid_until'],
              active_record_timestamp: '9999-12-31',
            },
          }),
        );
        expect(result.status).toBe('succeeded');
        return { startedAt, endedAt: Date.now() };
      };
      const first = await run();
      rates = [
        { currency: 'EUR', rate: 1 },
        { currency: 'USD', rate: 1.2 },
      ];
      const second = await run();
      const rows = await target.query<{ currency: string; rate: number; from: number; until: number }>(
        `SELECT currency, rate::float8 AS rate, extract(epoch FROM valid_from) * 1000 AS "from",
                extract(epoch FROM valid_until) * 1000 AS until
         FROM "${dataset}".rates ORDER BY currency, valid_from`,
      );
      const active = Date.parse('9999-12-31T00:00:00Z');
      expect(
        rows.map(({ currency, rate, until }) => ({ currency, rate, active: Number(until) === active })),
      ).toEqual([
        { currency: 'EUR', rate: 1, active: true },
        { currency: 'USD', rate: 1.1, active: false },
        { currency: 'USD', rate: 1.2, active: true },
      ]);
      // Without boundary_timestamp, a run's versions start when that run did.
      const [eur, oldUsd, newUsd] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
      expect(Number(eur.from)).toBeGreaterThanOrEqual(first.startedAt - 1);
      expect(Number(eur.from)).toBeLessThanOrEqual(first.endedAt);
      expect(Number(newUsd.from)).toBeGreaterThanOrEqual(second.startedAt - 1);
      expect(Number(oldUsd.until)).toBe(Number(newUsd.from));
      await server.close();
    });

    it('delete-insert - should replace the stored rows of each merge key, with no primary key, keeping every row of the run', async () => {
      let events: ApiRecord[] = [
        { day: '2024-01-01', kind: 'open' },
        { day: '2024-01-01', kind: 'close' },
        { day: '2024-01-02', kind: 'open' },
      ];
      const server = await startCollectionsApi({ events: () => events });
      const dataset = newDataset('delete_insert');
      const run = async () => {
        const result = await pipeline({
          name: 'events',
          destination: target.destination(),
          dataset,
          batchSize: 2,
        }).run(
          await source(server, {
            name: 'events',
            merge_key: 'day',
            write_disposition: { disposition: 'merge', strategy: 'delete-insert' },
          }),
        );
        expect(result.status).toBe('succeeded');
      };
      await run();
      // The second extract re-reads 2024-01-02 (three rows over two pages, so two batches) and adds 2024-01-03.
      events = [
        { day: '2024-01-02', kind: 'open' },
        { day: '2024-01-02', kind: 'pause' },
        { day: '2024-01-02', kind: 'close' },
        { day: '2024-01-03', kind: 'open' },
      ];
      await run();
      const rows = await target.query<{ day: string; kind: string }>(
        `SELECT day, kind FROM "${dataset}".events ORDER BY day, kind`,
      );
      expect(rows).toEqual([
        { day: '2024-01-01', kind: 'close' },
        { day: '2024-01-01', kind: 'open' },
        { day: '2024-01-02', kind: 'close' },
        { day: '2024-01-02', kind: 'open' },
        { day: '2024-01-02', kind: 'pause' },
        { day: '2024-01-03', kind: 'open' },
      ]);
      await server.close();
    });

    for (const strategy of ['upsert', 'delete-insert', 'scd2'] as const) {
      it(`${strategy} - should act on a hard_delete column hint`, async () => {
        let accounts: ApiRecord[] = [
          { id: 1, name: 'one', deleted: false },
          { id: 2, name: 'two', deleted: false },
          { id: 3, name: 'three', deleted: false },
        ];
        const server = await startCollectionsApi({ accounts: () => accounts });
        const dataset = newDataset(`hard_delete_${strategy.replace('-', '_')}`);
        const run = async () => {
          const result = await pipeline({ name: 'accounts', destination: target.destination(), dataset }).run(
            await source(server, {
              name: 'accounts',
              primary_key: 'id',
              columns: { deleted: { data_type: 'bool', hard_delete: true } },
              write_disposition: { disposition: 'merge', strategy },
            }),
          );
          expect(result.status).toBe('succeeded');
        };
        await run();
        accounts = [
          { id: 1, name: 'one', deleted: false },
          { id: 2, name: 'two', deleted: true },
          { id: 3, name: 'three', deleted: false },
        ];
        await run();
        const validity = strategy === 'scd2' ? ', _restsync_valid_to IS NULL AS active' : '';
        const rows = await target.query<Record<string, unknown>>(
          `SELECT id::int AS id, name${validity} FROM "${dataset}".accounts ORDER BY id`,
        );
        expect(rows).toEqual(
          strategy === 'scd2'
            ? [
                { id: 1, name: 'one', active: true },
                { id: 2, name: 'two', active: false },
                { id: 3, name: 'three', active: true },
              ]
            : [
                { id: 1, name: 'one' },
                { id: 3, name: 'three' },
              ],
        );
        await server.close();
      });
    }

    it('should refuse a strategy with a disposition other than merge, and delete-insert without any key, before the first request', async () => {
      const server = await startCollectionsApi({ things: () => [{ id: 1 }] });
      const dataset = newDataset('refused');
      const run = async (resource: Record<string, unknown>) =>
        pipeline({ name: 'refused', destination: target.destination(), dataset }).run(
          await source(server, resource),
        );
      await expect(
        run({ name: 'things', write_disposition: { disposition: 'append', strategy: 'scd2' } }),
      ).rejects.toThrow(/resources\[0\]\.write_disposition\.strategy.*only applies to disposition "merge"/);
      await expect(
        run({ name: 'things', write_disposition: { disposition: 'merge', strategy: 'delete-insert' } }),
      ).rejects.toThrow(ConfigError);
      expect(server.requests).toHaveLength(0);
      await server.close();
    });
  });
}

describe('merge strategies from a dlt config into MongoDB', () => {
  let target: MongodbTarget;
  afterAll(async () => {
    await target?.close();
  });
  const documents = async (dataset: string, collection: string) =>
    (await target.client.db(dataset).collection(collection).find().toArray()).map(({ _id, ...fields }) => ({
      _id,
      ...Object.fromEntries(Object.entries(fields).filter(([key]) => !key.startsWith('_restsync_'))),
    }));

  it('delete-insert - should replace by primary key and by merge key alone; upsert and delete-insert honour hard_delete', async () => {
    target = await openMongodbTarget();
    let orders: ApiRecord[] = [
      { id: 1, day: 'mon', total: 10, deleted: false },
      { id: 2, day: 'mon', total: 20, deleted: false },
      { id: 3, day: 'tue', total: 30, deleted: false },
    ];
    const server = await startCollectionsApi({ orders: () => orders });
    const load = async (dataset: string, resource: Record<string, unknown>) => {
      const result = await pipeline({
        name: 'orders',
        destination: mongodb({ url: target.url }),
        dataset,
        batchSize: 2,
      }).run(await source(server, { name: 'orders', ...resource }));
      expect(result.status).toBe('succeeded');
    };
    const byKey = target.dataset('by_key');
    const byMergeKey = target.dataset('by_merge_key');
    const upsert = target.dataset('upsert');
    const flagged = { columns: { deleted: { data_type: 'bool', hard_delete: true } } };
    const configs: Array<[string, Record<string, unknown>]> = [
      [
        byKey,
        {
          primary_key: 'id',
          ...flagged,
          write_disposition: { disposition: 'merge', strategy: 'delete-insert' },
        },
      ],
      [
        byMergeKey,
        { merge_key: 'day', write_disposition: { disposition: 'merge', strategy: 'delete-insert' } },
      ],
      [upsert, { primary_key: 'id', ...flagged, write_disposition: 'merge' }],
    ];
    for (const [dataset, resource] of configs) await load(dataset, resource);
    orders = [
      { id: 2, day: 'mon', total: 21, deleted: true },
      { id: 4, day: 'mon', total: 40, deleted: false },
      { id: 5, day: 'mon', total: 50, deleted: false },
    ];
    for (const [dataset, resource] of configs) await load(dataset, resource);

    expect(await documents(byKey, 'orders')).toEqual([
      { _id: 1, id: 1, day: 'mon', total: 10, deleted: false },
      { _id: 3, id: 3, day: 'tue', total: 30, deleted: false },
      { _id: 4, id: 4, day: 'mon', total: 40, deleted: false },
      { _id: 5, id: 5, day: 'mon', total: 50, deleted: false },
    ]);
    expect(await documents(upsert, 'orders')).toEqual(await documents(byKey, 'orders'));
    const merged = (await documents(byMergeKey, 'orders')).map(
      ({ _id, ...fields }) => fields as Record<string, unknown>,
    );
    // Every "mon" order of the first run is replaced by the second run's (from two batches); "tue" stays.
    expect(merged.sort((left, right) => Number(left.id) - Number(right.id))).toEqual([
      { id: 2, day: 'mon', total: 21, deleted: true },
      { id: 3, day: 'tue', total: 30, deleted: false },
      { id: 4, day: 'mon', total: 40, deleted: false },
      { id: 5, day: 'mon', total: 50, deleted: false },
    ]);
    await server.close();
  });

  it('scd2 - should keep every version as documents over three runs: a change, a deletion and a re-insert', async () => {
    target ??= await openMongodbTarget();
    let customers: ApiRecord[] = [
      { id: 1, name: 'Ada', address: { city: 'London' } },
      { id: 2, name: 'Brian', address: { city: 'Paris' } },
    ];
    const server = await startCollectionsApi({ customers: () => customers });
    const dataset = target.dataset('scd2');
    const run = async (boundary: string) => {
      const result = await pipeline({
        name: 'customers',
        destination: mongodb({ url: target.url }),
        dataset,
        batchSize: 1,
      }).run(
        await source(server, {
          name: 'customers',
          primary_key: 'id',
          write_disposition: { disposition: 'merge', strategy: 'scd2', boundary_timestamp: boundary },
        }),
      );
      expect(result.status).toBe('succeeded');
    };
    await run('2024-01-01T00:00:00Z');
    // A change inside a nested object.
    customers = [
      { id: 1, name: 'Ada', address: { city: 'Cambridge' } },
      { id: 2, name: 'Brian', address: { city: 'Paris' } },
    ];
    await run('2024-02-01T00:00:00Z');
    // A deletion.
    customers = customers.filter((customer) => customer.id !== 2);
    await run('2024-03-01T00:00:00Z');
    // A re-insert.
    customers = [...customers, { id: 2, name: 'Brian', address: { city: 'Paris' } }];
    await run('2024-04-01T00:00:00Z');
    const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);
    const versions = (await target.client.db(dataset).collection('customers').find().toArray())
      .map((document) => ({
        id: document.id,
        city: document.address?.city,
        from: day(document._restsync_valid_from),
        to: day(document._restsync_valid_to),
      }))
      .sort((left, right) => left.id - right.id || String(left.from).localeCompare(String(right.from)));
    expect(versions).toEqual([
      { id: 1, city: 'London', from: '2024-01-01', to: '2024-02-01' },
      { id: 1, city: 'Cambridge', from: '2024-02-01', to: null },
      { id: 2, city: 'Paris', from: '2024-01-01', to: '2024-03-01' },
      { id: 2, city: 'Paris', from: '2024-04-01', to: null },
    ]);
    // The run's seen-versions collection is gone once each run completed.
    const collections = await target.client.db(dataset).listCollections({}, { nameOnly: true }).toArray();
    expect(collections.map((collection) => collection.name)).not.toContain('customers__restsync_seen');
    await server.close();
  });
});
