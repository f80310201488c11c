import type { JsonResult } from '@restsync/cli';
import type { PaginationOptions } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows } from './__fixtures__/auth-e2e';

// dlt's cursor and header_cursor configs, as its docs write them (apart from base_url), and Stripe's
// starting_after through cursor_path "data[-1].id", run by the built CLI against @restsync/test-server
// into Postgres: every row once, one request per page; and the errors a wrong config must give.

const records = 47;
const pageSize = 10;
const pages = Math.ceil(records / pageSize);

function source(baseUrl: string, paginator: unknown, path = '/v1/items') {
  return {
    client: { base_url: baseUrl },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [{ name: 'items', endpoint: { path, data_selector: 'data', paginator } }],
  };
}

const cases: Record<
  string,
  { pagination: PaginationOptions; paginator: Record<string, unknown>; param: string }
> = {
  cursor: {
    pagination: { type: 'cursor' },
    paginator: { type: 'cursor', cursor_path: 'cursors.next', cursor_param: 'cursor' },
    param: 'cursor',
  },
  header_cursor: {
    pagination: { type: 'header_cursor' },
    paginator: { type: 'header_cursor', cursor_key: 'next', cursor_param: 'cursor' },
    param: 'cursor',
  },
  'cursor with starting_after (Stripe)': {
    pagination: { type: 'starting_after' },
    paginator: {
      type: 'cursor',
      cursor_path: 'data[-1].id',
      cursor_param: 'starting_after',
      has_more_path: 'has_more',
    },
    param: 'starting_after',
  },
};

describe.concurrent('cursor paginators through the CLI', () => {
  it.for(Object.keys(cases))(
    'should load every row with %s in one request per page',
    async (name, { onTestFinished }) => {
      const example = cases[name]!;
      const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
      const server = await startServer({
        collections: { items: { records, pageSize, pagination: example.pagination } },
      });
      const schema = dataset('cursor_example');
      const result = await runConfig(schema, {
        pipeline: { name: 'cursor_example' },
        source: source(server.url, example.paginator),
      });

      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
      expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
      const requested = server.requests.filter((request) => request.handler === 'items');
      expect(requested).toHaveLength(pages);
      // No cursor on the first request, as in dlt; a new one on every other.
      expect(requested[0]?.query.get(example.param)).toBeNull();
      expect(new Set(requested.slice(1).map((request) => request.query.get(example.param))).size).toBe(
        pages - 1,
      );
    },
  );

  it('should fail, naming the resource and the path, when cursor_path finds nothing on the first page', async ({
    onTestFinished,
  }) => {
    const { dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: { items: { records, pageSize, pagination: { type: 'cursor' } } },
    });
    const schema = dataset('cursor_wrong_path');
    const result = await runConfig(schema, {
      pipeline: { name: 'cursor_wrong_path' },
      source: source(server.url, { type: 'cursor', cursor_path: 'next_cursor' }),
    });

    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'cursor paginator: resource "items", page 0: cursor_path "next_cursor" found nothing in the first page',
    );
    expect(server.collection('items').requests).toBe(1);
  });

  it('should fail instead of looping when the API sends the same cursor again', async ({
    onTestFinished,
  }) => {
    const { dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    let served = 0;
    const server = await startServer({
      routes: {
        'GET /v1/loop': () => {
          served += 1;
          return { body: { data: [{ id: served }], cursors: { next: 'same-cursor' } } };
        },
      },
    });
    const schema = dataset('cursor_loop');
    const result = await runConfig(schema, {
      pipeline: { name: 'cursor_loop' },
      source: source(server.url, { type: 'cursor' }, '/v1/loop'),
    });

    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/again after page 1, which would loop forever/);
    // The first request, then the one with the cursor; the same request is never sent a third time.
    expect(served).toBe(2);
  });
});
