import type { JsonResult } from '@restsync/cli';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows } from './__fixtures__/auth-e2e';

// dlt's json_link and header_link configs, as its docs write them (apart from base_url), run by the built
// CLI against @restsync/test-server into Postgres: every row once, one request per page.

const records = 47;
const pageSize = 10;
const pages = Math.ceil(records / pageSize);

function source(baseUrl: string, endpoint: Record<string, unknown>, auth?: unknown) {
  return {
    client: { base_url: baseUrl, ...(auth === undefined ? {} : { auth }) },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [{ name: 'items', endpoint: { path: '/v1/items', ...endpoint } }],
  };
}

describe.concurrent('json_link and header_link through the CLI', () => {
  it("should follow Microsoft Graph's @odata.nextLink with dlt's bracket path", async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: {
        items: { records, pageSize, pagination: { type: 'json_link', nextKey: '@odata.nextLink' } },
      },
    });
    const schema = dataset('json_link_odata');
    const result = await runConfig(schema, {
      pipeline: { name: 'json_link_odata' },
      source: source(server.url, {
        data_selector: 'data',
        paginator: { type: 'json_link', next_url_path: "['@odata.nextLink']" },
      }),
    });

    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    expect(server.collection('items').requests).toBe(pages);
  });

  it('should follow the Link header of a bare-list API (dlt: { "type": "header_link" })', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: { items: { records, pageSize, pagination: { type: 'header_link' }, dataKey: null } },
    });
    const schema = dataset('header_link_example');
    const result = await runConfig(schema, {
      pipeline: { name: 'header_link_example' },
      source: source(server.url, { paginator: { type: 'header_link' } }),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    expect(server.collection('items').requests).toBe(pages);
  });

  it('should run the deprecated json_response with a deprecation warning and relative next links', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: { items: { records, pageSize, pagination: { type: 'json_link', relative: true } } },
    });
    const schema = dataset('json_response_alias');
    const result = await runConfig(schema, {
      pipeline: { name: 'json_response_alias' },
      source: source(server.url, {
        data_selector: 'data',
        paginator: { type: 'json_response', next_url_path: 'next' },
      }),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'paginator type "json_response" is deprecated (as in dlt): write "json_link"',
    );
    expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
    expect(server.collection('items').requests).toBe(pages);
  });

  // Both link styles may point at another origin; the API key must stay on the configured one.
  it.for(['json_link', 'header_link'] as const)(
    '%s should follow links to another origin without the API key',
    async (type, { onTestFinished }) => {
      const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
      const other = await startServer({
        collections: { items: { records, pageSize, pagination: { type } } },
      });
      const server = await startServer({
        auth: { type: 'api_key', value: 'e2e-link-secret', name: 'api_key', location: 'query' },
        collections: { items: { records, pageSize, pagination: { type, origin: other.url } } },
      });
      const schema = dataset(`${type}_origin`);
      const result = await runConfig(schema, {
        pipeline: { name: `${type}_origin` },
        source: source(
          server.url,
          { data_selector: 'data', paginator: type },
          { type: 'api_key', name: 'api_key', api_key: 'e2e-link-secret', location: 'query' },
        ),
      });

      expect(result.code, result.stderr).toBe(0);
      expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
      expect(server.collection('items').requests).toBe(1);
      const elsewhere = other.requests.filter((request) => request.handler === 'items');
      expect(elsewhere).toHaveLength(pages - 1);
      expect(JSON.stringify(elsewhere.map((request) => [request.url, request.headers]))).not.toContain(
        'e2e-link-secret',
      );
    },
  );
});
