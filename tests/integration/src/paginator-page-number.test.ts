import type { JsonResult } from '@restsync/cli';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows } from './__fixtures__/auth-e2e';

// dlt's page_number config, as its docs write it (apart from base_url), run by the built CLI against
// @restsync/test-server into Postgres: every row once, and exactly the requests the page count calls for.

const records = 47;
const pageSize = 10;
const pages = Math.ceil(records / pageSize);

function source(baseUrl: string, paginator: unknown) {
  return {
    client: { base_url: baseUrl },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [{ name: 'items', endpoint: { path: '/v1/items', data_selector: 'data', paginator } }],
  };
}

describe.concurrent('page_number through the CLI', () => {
  it('should load every row of a 1-based API with total pages in exactly one request per page', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: {
        items: { records, pageSize, pagination: { type: 'page_number', totalKey: 'total_pages' } },
      },
    });
    const schema = dataset('page_number_example');
    const result = await runConfig(schema, {
      pipeline: { name: 'page_number_example' },
      source: source(server.url, {
        type: 'page_number',
        base_page: 1,
        page_param: 'page',
        total_path: 'total_pages',
      }),
    });

    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    const requested = server.requests.filter((request) => request.handler === 'items');
    expect(requested.map((request) => request.query.get('page'))).toEqual(['1', '2', '3', '4', '5']);
    expect(requested).toHaveLength(pages);
  });

  // dlt #4429: an API without a total failed although the empty page would have ended the sequence.
  it('should load every row of an API that sends no total, ending on the empty page', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: { items: { records, pageSize, pagination: { type: 'page_number', totalKey: null } } },
    });
    const schema = dataset('page_number_no_total');
    const result = await runConfig(schema, {
      pipeline: { name: 'page_number_no_total' },
      source: source(server.url, { type: 'page_number', base_page: 1 }),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    // Five pages with records, then the empty page that ends the sequence.
    expect(server.collection('items').requests).toBe(pages + 1);
  });
});
