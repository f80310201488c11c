import { pipeline, SchemaError } from '@restsync/core';
import { type MockApi, mockApi } from '@restsync/testing';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openPostgresTarget, type PostgresTarget } from './sync-helpers/postgres-target';
import { seedApiKey, seedSource } from './sync-helpers/seed-source';

const baseUrl = 'https://api.example.com';
const target: PostgresTarget = await openPostgresTarget();

/** What the mock API serves in the current test, paged by `offset`/`limit` like the seed expects. */
let served: Record<string, unknown>[] = [];

/** 70 characters: longer than Postgres' 63-byte identifier limit. */
const longName = 'customer_lifetime_value_estimate_including_refunds_and_chargebacks_eur';

/** Its column: truncated to 63 bytes, ending with a hash of the full name. */
const longColumn = 'customer_lifetime_value_estimate_including_refunds_and_fe77d22c';

async function columnsOf(dataset: string, table: string): Promise<[string, string][]> {
  const rows = await target.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [dataset, table],
  );
  return rows.map((row) => [row.column_name, row.data_type]);
}

async function tablesOf(dataset: string): Promise<string[]> {
  const rows = await target.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [dataset],
  );
  return rows.map((row) => row.table_name);
}

function sync(dataset: string, batchSize?: number) {
  return pipeline({
    name: 'awkward',
    destination: target.destination(),
    dataset,
    ...(batchSize === undefined ? {} : { batchSize }),
  }).run(seedSource({ baseUrl }));
}

describe(`awkward records synced into Postgres (${target.label})`, () => {
  let api: MockApi;

  beforeAll(() => {
    api = mockApi(
      {
        'GET /v1/resource': (request) => {
          const url = new URL(request.url);
          if (url.searchParams.get('api_key') !== seedApiKey) {
            return HttpResponse.json({ error: 'bad key' }, { status: 401 });
          }
          const start = Number(url.searchParams.get('offset') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 100);
          return { data: served.slice(start, start + limit), total: served.length };
        },
      },
      { baseUrl },
    );
  });
  beforeEach(() => {
    vi.stubEnv('API_KEY', seedApiKey);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    api.reset();
  });
  afterAll(async () => {
    api.close();
    await target.close();
  });

  it('should land every awkward field under a safe column name and lose no value', async () => {
    const dataset = target.dataset('awkward');
    served = [
      {
        id: 1,
        userId: 101,
        'user-id': 'dash-1',
        select: 'select-1',
        'a.b': 1.5,
        [longName]: 'long-1',
        profile: { city: 'Oslo', geo: { lat: 59.9, lng: 10.75 } },
        orders: [
          { sku: 'A-1', qty: 2 },
          { sku: 'B-2', qty: 1 },
        ],
        mixed: 42,
      },
      {
        id: 2,
        userId: 102,
        'user-id': 'dash-2',
        select: 'select-2',
        'a.b': 2.5,
        [longName]: 'long-2',
        profile: { city: 'Rome', geo: { lat: 41.9, lng: 12.5 } },
        orders: [{ sku: 'C-3', qty: 5 }],
        mixed: 'forty-two',
      },
    ];

    const result = await sync(dataset);

    expect(result.status).toBe('succeeded');
    expect(result.tables).toEqual({ resource_name: 2, resource_name__orders: 3 });
    expect(await tablesOf(dataset)).toEqual([
      '_restsync_leases',
      '_restsync_loads',
      '_restsync_schemas',
      '_restsync_state',
      'resource_name',
      'resource_name__orders',
    ]);
    expect(await columnsOf(dataset, 'resource_name')).toEqual([
      ['id', 'bigint'],
      ['user_id', 'bigint'],
      ['user_id_2', 'text'],
      ['select', 'text'],
      ['a_b', 'double precision'],
      [longColumn, 'text'],
      ['profile__city', 'text'],
      ['profile__geo__lat', 'double precision'],
      ['profile__geo__lng', 'double precision'],
      ['mixed', 'bigint'],
      ['_restsync_load_id', 'text'],
      ['_restsync_id', 'text'],
      ['mixed__v_text', 'text'],
    ]);
    expect(await columnsOf(dataset, 'resource_name__orders')).toEqual([
      ['sku', 'text'],
      ['qty', 'bigint'],
      ['_restsync_load_id', 'text'],
      ['_restsync_id', 'text'],
      ['_restsync_parent_id', 'text'],
      ['_restsync_root_id', 'text'],
      ['_restsync_list_idx', 'bigint'],
    ]);

    const roots = await target.query(
      `SELECT id::int AS id, user_id::int AS user_id, user_id_2, "select", a_b, "${longColumn}" AS long,
              profile__city, profile__geo__lat, profile__geo__lng, mixed::int AS mixed, mixed__v_text
       FROM "${dataset}".resource_name ORDER BY id`,
    );
    expect(roots).toEqual([
      {
        id: 1,
        user_id: 101,
        user_id_2: 'dash-1',
        select: 'select-1',
        a_b: 1.5,
        long: 'long-1',
        profile__city: 'Oslo',
        profile__geo__lat: 59.9,
        profile__geo__lng: 10.75,
        mixed: 42,
        mixed__v_text: null,
      },
      {
        id: 2,
        user_id: 102,
        user_id_2: 'dash-2',
        select: 'select-2',
        a_b: 2.5,
        long: 'long-2',
        profile__city: 'Rome',
        profile__geo__lat: 41.9,
        profile__geo__lng: 12.5,
        mixed: null,
        mixed__v_text: 'forty-two',
      },
    ]);
    // Every child row links to its record through both the parent and the root id.
    const children = await target.query(
      `SELECT r.id::int AS id, c._restsync_list_idx::int AS position, c.sku, c.qty::int AS qty
       FROM "${dataset}".resource_name__orders c
       JOIN "${dataset}".resource_name r
         ON c._restsync_parent_id = r._restsync_id AND c._restsync_root_id = r._restsync_id
       ORDER BY r.id, c._restsync_list_idx`,
    );
    expect(children).toEqual([
      { id: 1, position: 0, sku: 'A-1', qty: 2 },
      { id: 1, position: 1, sku: 'B-2', qty: 1 },
      { id: 2, position: 0, sku: 'C-3', qty: 5 },
    ]);
  });

  // Regression: child rows of an earlier copy of a key repeated in one page survived next to the
  // later copy's (they share their _restsync_id), when the later copy had fewer children.
  it("should keep only the last copy's children of a key repeated within one page", async () => {
    const dataset = target.dataset('repeated_key');
    served = [
      { id: 7, name: 'first', tags: [{ tag: 'a' }, { tag: 'b' }, { tag: 'c' }] },
      { id: 8, name: 'other', tags: [{ tag: 'x' }, { tag: 'y' }] },
      { id: 7, name: 'second', tags: [{ tag: 'z' }] },
    ];

    const result = await sync(dataset);

    expect(result.status).toBe('succeeded');
    expect(
      await target.query(`SELECT id::int AS id, name FROM "${dataset}".resource_name ORDER BY id`),
    ).toEqual([
      { id: 7, name: 'second' },
      { id: 8, name: 'other' },
    ]);
    expect(
      await target.query(
        `SELECT r.id::int AS id, c.tag FROM "${dataset}".resource_name__tags c
         JOIN "${dataset}".resource_name r ON c._restsync_root_id = r._restsync_id
         ORDER BY r.id, c._restsync_list_idx`,
      ),
    ).toEqual([
      { id: 7, tag: 'z' },
      { id: 8, tag: 'x' },
      { id: 8, tag: 'y' },
    ]);
    expect(await target.query(`SELECT count(*)::int AS count FROM "${dataset}".resource_name__tags`)).toEqual(
      [{ count: 3 }],
    );
  });

  it('should fail on a record without its primary key, naming the resource and page, and load nothing of its batch', async () => {
    const dataset = target.dataset('missing_key');
    served = Array.from({ length: 150 }, (_, index) => ({ id: index + 1, name: `name-${index + 1}` }));
    const { id: _dropped, ...withoutKey } = served[119] as Record<string, unknown>;
    served[119] = withoutKey;

    const error = await sync(dataset, 100).catch((caught: unknown) => caught);

    expect(SchemaError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('Resource "resource_name"');
    expect(message).toContain('index 19');
    expect(message).toContain('primary key field "id"');
    expect(message).toContain('page 2');
    expect(message).not.toContain(seedApiKey);
    // Page 1 was its own batch and is committed; nothing of page 2 (ids 101..150) is loaded.
    expect(
      await target.query(
        `SELECT count(*)::int AS count, min(id)::int AS first, max(id)::int AS last FROM "${dataset}".resource_name`,
      ),
    ).toEqual([{ count: 100, first: 1, last: 100 }]);
    const loads = await target.query<{ status: string; error: string }>(
      `SELECT status, error FROM "${dataset}"._restsync_loads`,
    );
    expect(loads).toEqual([{ status: 'failed', error: expect.stringContaining('primary key field "id"') }]);
    expect(loads[0]?.error).not.toContain(seedApiKey);
  });
});
