import { PGlite } from '@electric-sql/pglite';
import { pipeline, type RestsyncEvent, restApiSource } from '@restsync/core';
import { type MockApi, mockApi } from '@restsync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres } from './postgres-destination';

describe('pipeline.run into postgres (PGlite)', () => {
  let api: MockApi;
  let database: PGlite;
  beforeAll(async () => {
    database = await PGlite.create();
    api = mockApi(
      {
        'GET /v1/orders': (request) =>
          new URL(request.url).searchParams.get('status') === 'changed'
            ? {
                data: [
                  { id: 2, total: 25, lines: [{ sku: 'B2' }] },
                  { id: 3, total: 30, lines: [{ sku: 'D' }, { sku: 'E' }] },
                ],
              }
            : {
                data: [
                  { id: 1, total: 10, lines: [{ sku: 'A' }] },
                  { id: 2, total: 20, lines: [{ sku: 'B' }, { sku: 'C' }] },
                ],
              },
      },
      { baseUrl: 'https://api.example.test' },
    );
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  it('should report the records a merge inserted and updated, counting the root table only', async () => {
    const events: RestsyncEvent[] = [];
    const run = (params: Record<string, string>) =>
      pipeline({
        name: 'shop',
        dataset: 'shop_counts',
        destination: postgres({ client: database }),
        onEvent: (event) => events.push(event),
      }).run(
        restApiSource({
          client: { baseUrl: 'https://api.example.test' },
          resources: [
            {
              name: 'orders',
              primaryKey: 'id',
              writeDisposition: 'merge',
              endpoint: { path: '/v1/orders', params, dataSelector: 'data' },
            },
          ],
        }),
      );
    const first = await run({});
    expect(first.resources.orders).toMatchObject({ rows: 2, inserted: 2, updated: 0 });
    const second = await run({ status: 'changed' });
    expect(second.resources.orders).toMatchObject({ rows: 2, inserted: 1, updated: 1 });
    expect(second.tables).toEqual({ orders: 2, orders__lines: 3 });
    const loaded = events.filter((event) => event.type === 'batch_loaded');
    expect(loaded.map((event) => [event.inserted, event.updated])).toEqual([
      [2, 0],
      [1, 1],
    ]);
  });
});
