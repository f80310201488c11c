import { loadRestApiSource, pipeline, type RestsyncEvent, SchemaError } from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import type { TestServer } from '@restsync/test-server';
import { Decimal128 } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiRecord, startCollectionsApi } from './sync-helpers/collections-api';
import { type MongodbTarget, openMongodbTarget } from './sync-helpers/mongodb-target';
import { openPostgresTarget, type PostgresTarget } from './sync-helpers/postgres-target';

// dlt's resource hints end to end: a dlt-form config, a real HTTP server, and real Postgres
// (DATABASE_URL, else PGlite), then MongoDB through the wire test server. Pages hold two records.

const servers: TestServer[] = [];

async function serve(collections: Record<string, () => ApiRecord[]>): Promise<TestServer> {
  const server = await startCollectionsApi(collections);
  servers.push(server);
  return server;
}

function source(
  server: TestServer,
  resources: Record<string, unknown>[],
  defaults?: Record<string, unknown>,
) {
  return loadRestApiSource({
    client: { base_url: `${server.url}/v1`, paginator: { type: 'offset', limit: 2 } },
    ...(defaults === undefined ? {} : { resource_defaults: defaults }),
    resources: resources.map((resource) => ({
      endpoint: { path: resource.name, data_selector: 'data' },
      ...resource,
    })),
  });
}

const target: PostgresTarget = await openPostgresTarget();

afterAll(async () => {
  for (const server of servers) await server.close();
  await target.close();
});

async function run(
  dataset: string,
  server: TestServer,
  resources: Record<string, unknown>[],
  options: { defaults?: Record<string, unknown>; events?: RestsyncEvent[]; batchSize?: number } = {},
) {
  return pipeline({
    name: 'hints',
    destination: target.destination(),
    dataset,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.events === undefined ? {} : { onEvent: (event) => options.events?.push(event) }),
  }).run(await source(server, resources, options.defaults));
}

/** Rows of a query, with numbers as text: the pg driver reads bigint as text, PGlite as numbers. */
async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const rows = await target.query<Record<string, unknown>>(sql);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]),
    ),
  );
}

async function tablesOf(dataset: string): Promise<string[]> {
  const rows = await target.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE '\\_restsync\\_%' ORDER BY table_name`,
    [dataset],
  );
  return rows.map((row) => row.table_name);
}

interface ColumnInfo {
  column_name: string;
  type: string;
  is_nullable: string;
}

async function columnsOf(dataset: string, table: string): Promise<Record<string, ColumnInfo>> {
  const rows = await target.query<ColumnInfo>(
    `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [dataset, table],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row]));
}

describe(`resource hints from a dlt config into Postgres (${target.label})`, () => {
  it('table_name - should load into the named table with its child tables, and keep the state under the resource', async () => {
    const server = await serve({
      users: () => [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }, { id: 3 }],
    });
    const dataset = target.dataset('hint_table_name');
    const result = await run(dataset, server, [{ name: 'users', table_name: 'people', primary_key: 'id' }]);
    expect(result.status).toBe('succeeded');
    expect(await tablesOf(dataset)).toEqual(['people', 'people__tags']);
    expect(await rowsOf(`SELECT id FROM "${dataset}".people ORDER BY id`)).toEqual([
      { id: '1' },
      { id: '2' },
      { id: '3' },
    ]);
    expect(await rowsOf(`SELECT value FROM "${dataset}".people__tags ORDER BY value`)).toEqual([
      { value: 'a' },
      { value: 'b' },
    ]);
    expect(await rowsOf(`SELECT resource FROM "${dataset}"._restsync_state`)).toEqual([
      { resource: 'users' },
    ]);
  });

  it('columns - should create hinted types (numeric(p,s), timestamptz(p), NOT NULL), convert values that fit, and keep the others in a variant column with a warning', async () => {
    const server = await serve({
      orders: () => [
        { id: 1, total: 12.5, placed_at: '2024-05-01T10:00:00.123456Z', code: 7, qty: '3' },
        { id: 2, total: '99.99', placed_at: '2024-05-02T10:00:00', code: 'B-2', qty: 'many' },
        { id: 3, total: 1.005, placed_at: 1714600000, code: 'C', qty: 4 },
      ],
    });
    const dataset = target.dataset('hint_columns');
    const events: RestsyncEvent[] = [];
    const result = await run(
      dataset,
      server,
      [
        {
          name: 'orders',
          columns: [
            { name: 'total', data_type: 'decimal', precision: 10, scale: 2 },
            { name: 'placed_at', data_type: 'timestamp', precision: 3, nullable: false },
            { name: 'code', data_type: 'text' },
            { name: 'shipped_on', data_type: 'date' },
          ],
        },
      ],
      {
        events,
        defaults: {
          primary_key: 'id',
          write_disposition: 'merge',
          columns: { qty: { data_type: 'bigint' } },
        },
      },
    );
    expect(result.status).toBe('succeeded');
    const columns = await columnsOf(dataset, 'orders');
    expect(columns.total).toMatchObject({ type: 'numeric(10,2)', is_nullable: 'YES' });
    expect(columns.placed_at).toMatchObject({ type: 'timestamp(3) with time zone', is_nullable: 'NO' });
    expect(columns.code?.type).toBe('text');
    expect(columns.shipped_on?.type).toBe('date');
    expect(columns.qty?.type).toBe('bigint');
    expect(columns.qty__v_text?.type).toBe('text');
    const rows = await rowsOf(
      `SELECT id, total::text, to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS placed_at, code, qty, qty__v_text
       FROM "${dataset}".orders ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: '1',
        total: '12.50',
        placed_at: '2024-05-01 10:00:00.123',
        code: '7',
        qty: '3',
        qty__v_text: null,
      },
      {
        id: '2',
        total: '99.99',
        placed_at: '2024-05-02 10:00:00.000',
        code: 'B-2',
        qty: null,
        qty__v_text: 'many',
      },
      {
        id: '3',
        total: '1.01',
        placed_at: '2024-05-01 21:46:40.000',
        code: 'C',
        qty: '4',
        qty__v_text: null,
      },
    ]);
    const warnings = events.filter((event) => event.type === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({
        resource: 'orders',
        code: 'hinted_type_mismatch',
        message: expect.stringContaining('"qty"'),
      }),
    ]);
  });

  it('max_table_nesting - should keep nested data as JSON below the limit (0: no child tables at all)', async () => {
    const record = {
      id: 1,
      address: { city: 'Oslo', geo: { lat: 59.9 } },
      orders: [{ sku: 'a', parts: [1, 2] }],
    };
    const server = await serve({ flat: () => [record], one: () => [record], free: () => [record] });
    const dataset = target.dataset('hint_nesting');
    const result = await run(dataset, server, [
      { name: 'flat', max_table_nesting: 0 },
      { name: 'one', max_table_nesting: 1 },
      { name: 'free' },
    ]);
    expect(result.status).toBe('succeeded');
    expect(await tablesOf(dataset)).toEqual([
      'flat',
      'free',
      'free__orders',
      'free__orders__parts',
      'one',
      'one__orders',
    ]);
    expect(await rowsOf(`SELECT address, orders FROM "${dataset}".flat`)).toEqual([
      { address: record.address, orders: record.orders },
    ]);
    expect(await rowsOf(`SELECT address__city, address__geo FROM "${dataset}".one`)).toEqual([
      { address__city: 'Oslo', address__geo: { lat: 59.9 } },
    ]);
    expect(await rowsOf(`SELECT sku, parts FROM "${dataset}".one__orders`)).toEqual([
      { sku: 'a', parts: [1, 2] },
    ]);
  });

  it('schema_contract - freeze should fail on a new column naming table, column and record path, with nothing of the batch written', async () => {
    let items: ApiRecord[] = [
      { id: 1, name: 'a', lines: [{ sku: 'x' }] },
      { id: 2, name: 'b', lines: [] },
    ];
    const server = await serve({ items: () => items });
    const dataset = target.dataset('hint_freeze');
    const resource = { name: 'items', primary_key: 'id', write_disposition: 'merge' };
    expect((await run(dataset, server, [resource])).status).toBe('succeeded');

    items = [
      { id: 1, name: 'a2', lines: [{ sku: 'x' }] },
      { id: 2, name: 'b2', lines: [] },
      { id: 3, name: 'c', lines: [{ sku: 'y' }, { sku: 'z', qty: 5 }] },
    ];
    const frozen = run(dataset, server, [{ ...resource, schema_contract: 'freeze' }]);
    await expect(frozen).rejects.toThrow(SchemaError);
    await expect(frozen).rejects.toThrow(
      /columns is freeze, and the record at index 0 needs a new column: table "items__lines", column "qty", field "lines\[1\]\.qty".*page 2/,
    );
    expect(await rowsOf(`SELECT id, name FROM "${dataset}".items ORDER BY id`)).toEqual([
      { id: '1', name: 'a' },
      { id: '2', name: 'b' },
    ]);
    expect(Object.keys(await columnsOf(dataset, 'items__lines'))).not.toContain('qty');
  });

  it('schema_contract - discard_row and discard_value should drop the row or the value that needs a change', async () => {
    let records: ApiRecord[] = [{ id: 1, name: 'a', score: 1 }];
    const server = await serve({ rows: () => records, values: () => records });
    const dataset = target.dataset('hint_discard');
    const resources = [
      {
        name: 'rows',
        primary_key: 'id',
        schema_contract: { columns: 'discard_row', data_type: 'discard_row' },
      },
      {
        name: 'values',
        primary_key: 'id',
        schema_contract: { columns: 'discard_value', data_type: 'discard_value' },
      },
    ];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    records = [
      { id: 2, name: 'b', score: 2 },
      { id: 3, name: 'c', score: 3, email: 'c@example.com' },
      { id: 4, name: 'd', score: 'high' },
    ];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    expect(await rowsOf(`SELECT id, name, score FROM "${dataset}".rows ORDER BY id`)).toEqual([
      { id: '1', name: 'a', score: '1' },
      { id: '2', name: 'b', score: '2' },
    ]);
    expect(await rowsOf(`SELECT id, name, score FROM "${dataset}".values ORDER BY id`)).toEqual([
      { id: '1', name: 'a', score: '1' },
      { id: '2', name: 'b', score: '2' },
      { id: '3', name: 'c', score: '3' },
      { id: '4', name: 'd', score: null },
    ]);
    for (const table of ['rows', 'values']) {
      expect(Object.keys(await columnsOf(dataset, table)).sort()).toEqual(
        ['_restsync_id', '_restsync_load_id', 'id', 'name', 'score'].sort(),
      );
    }
  });

  it('primary_key - should merge on a compound key written as a list, and on one from a column hint', async () => {
    let records: ApiRecord[] = [
      { shop: 'a', id: 1, total: 10 },
      { shop: 'b', id: 1, total: 20 },
    ];
    const server = await serve({ listed: () => records, hinted: () => records });
    const dataset = target.dataset('hint_keys');
    const resources = [
      { name: 'listed', primary_key: ['shop', 'id'], write_disposition: 'merge', table_format: 'iceberg' },
      {
        name: 'hinted',
        write_disposition: 'merge',
        columns: { shop: { primary_key: true }, id: { primary_key: true } },
      },
    ];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    records = [
      { shop: 'a', id: 1, total: 11 },
      { shop: 'a', id: 2, total: 30 },
    ];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    for (const table of ['listed', 'hinted']) {
      expect(await rowsOf(`SELECT shop, id, total FROM "${dataset}"."${table}" ORDER BY shop, id`)).toEqual([
        { shop: 'a', id: '1', total: '11' },
        { shop: 'a', id: '2', total: '30' },
        { shop: 'b', id: '1', total: '20' },
      ]);
    }
  });

  it('merge_key and hard_delete - delete-insert should replace the stored rows of each merge key value, and a flagged row should be deleted', async () => {
    let events: ApiRecord[] = [
      { day: '2024-01-01', n: 1 },
      { day: '2024-01-01', n: 2 },
      { day: '2024-01-02', n: 3 },
    ];
    let users: ApiRecord[] = [
      { id: 1, gone: false },
      { id: 2, gone: false },
    ];
    const server = await serve({ events: () => events, users: () => users });
    const dataset = target.dataset('hint_merge_key');
    const resources = [
      {
        name: 'events',
        merge_key: 'day',
        write_disposition: { disposition: 'merge', strategy: 'delete-insert' },
      },
      {
        name: 'users',
        primary_key: 'id',
        write_disposition: 'merge',
        columns: { gone: { data_type: 'bool', hard_delete: true } },
      },
    ];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    events = [{ day: '2024-01-01', n: 4 }];
    users = [{ id: 2, gone: true }];
    expect((await run(dataset, server, resources)).status).toBe('succeeded');
    expect(await rowsOf(`SELECT day, n FROM "${dataset}".events ORDER BY n`)).toEqual([
      { day: '2024-01-02', n: '3' },
      { day: '2024-01-01', n: '4' },
    ]);
    expect(await rowsOf(`SELECT id FROM "${dataset}".users ORDER BY id`)).toEqual([{ id: '1' }]);
  });

  it('merge_key - a record without its merge key should fail the run before anything is written', async () => {
    const server = await serve({
      events: () => [
        { day: '2024-01-01', n: 1 },
        { day: null, n: 2 },
      ],
    });
    const dataset = target.dataset('hint_merge_key');
    const failed = run(dataset, server, [
      {
        name: 'events',
        merge_key: 'day',
        write_disposition: { disposition: 'merge', strategy: 'delete-insert' },
      },
    ]);
    await expect(failed).rejects.toThrow(/record at index 1 has no value for merge key field "day"/);
    expect(await tablesOf(dataset)).toEqual([]);
  });
});

describe('resource hints into MongoDB', () => {
  let mongo: MongodbTarget;

  afterAll(async () => {
    await mongo?.close();
  });

  it('should name the collection by table_name and store hinted types (a zoneless timestamp as a UTC date, text from a number, a decimal)', async () => {
    mongo = await openMongodbTarget();
    const server = await serve({
      users: () => [{ id: 1, seen: '2024-05-01T10:00:00', code: 7, price: '12.50' }],
    });
    const dataset = mongo.dataset('hints');
    const result = await pipeline({
      name: 'hints',
      destination: mongodb({ url: mongo.url, dates: 'date' }),
      dataset,
    }).run(
      await source(server, [
        {
          name: 'users',
          table_name: 'people',
          primary_key: 'id',
          columns: {
            seen: { data_type: 'timestamp' },
            code: { data_type: 'text' },
            price: { data_type: 'decimal' },
          },
        },
      ]),
    );
    expect(result.status).toBe('succeeded');
    const collections = (await mongo.client.db(dataset).listCollections().toArray()).map(
      (entry) => entry.name,
    );
    expect(collections).toContain('people');
    expect(collections).not.toContain('users');
    const [document] = await mongo.client.db(dataset).collection('people').find().toArray();
    expect(document?.seen).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(document?.code).toBe('7');
    expect(document?.price).toBeInstanceOf(Decimal128);
    expect(String(document?.price)).toBe('12.50');
  });
});
