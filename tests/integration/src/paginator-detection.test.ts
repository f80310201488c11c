import type { JsonResult } from '@restsync/cli';
import { describe, expect, it } from 'vitest';
import { authWorkspace, countRows } from './__fixtures__/auth-e2e';

// No paginator at any level: the built CLI detects it from the first page as dlt does, loads every row
// into Postgres without fetching a page twice, and says which paginator it chose and why.

const records = 47;
const pageSize = 10;
const pages = Math.ceil(records / pageSize);

/** A case: what the API pages with, its test-server pagination, its data key and the CLI's notice. */
type DetectionCase = [
  description: string,
  pagination: { type: 'header_link' | 'json_link'; nextKey?: string },
  dataKey: string | null,
  notice: string,
];

describe.concurrent('paginator detection through the CLI', () => {
  it.for<DetectionCase>([
    [
      'a Link header',
      { type: 'header_link' },
      null,
      'paginator detected: {"type":"header_link"} (the response has a Link header with rel="next")',
    ],
    [
      'a JSON next link',
      { type: 'json_link' },
      'data',
      'paginator detected: {"type":"json_link","next_url_path":"next"} (the response body has a next URL at next)',
    ],
    [
      "an @odata.nextLink (dlt's detector misses it)",
      { type: 'json_link', nextKey: '@odata.nextLink' },
      'data',
      `paginator detected: {"type":"json_link","next_url_path":"['@odata.nextLink']"}`,
    ],
  ])(
    'should detect %s and load every row once',
    async ([, pagination, dataKey, notice], { onTestFinished }) => {
      const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
      const server = await startServer({
        collections: { items: { records, pageSize, pagination, dataKey } },
      });
      const schema = dataset(`detect_${pagination.type}`);
      const result = await runConfig(schema, {
        pipeline: { name: `detect_${pagination.type}` },
        source: {
          client: { base_url: `${server.url}/v1` },
          resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
          resources: ['items'],
        },
      });

      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
      expect(result.stderr).toContain(`restsync: items: ${notice}`);
      expect(await countRows(database, schema)).toEqual({ rows: records, ids: records });
      expect(server.collection('items').requests).toBe(pages);
    },
  );

  it('should fall back to a single page for an API that does not page, and say so', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      collections: { items: { records: 7, pageSize, pagination: { type: 'single_page' } } },
    });
    const schema = dataset('detect_single_page');
    const result = await runConfig(schema, {
      pipeline: { name: 'detect_single_page' },
      source: { client: { base_url: `${server.url}/v1` }, resources: [{ name: 'items', primary_key: 'id' }] },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'restsync: items: paginator detected: {"type":"single_page"} (no pagination style found in the first response',
    );
    expect(await countRows(database, schema)).toEqual({ rows: 7, ids: 7 });
    expect(server.collection('items').requests).toBe(1);
  });
});
