import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonResult } from '@restsync/cli';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { forwardRequest } from './cli-helpers/gated-proxy';
import type { CliProcessResult } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import type { TestDatabase } from './cli-helpers/test-database';
import { type CliWorkspace, createWorkspace } from './cli-helpers/workspace';

// Every test has its own directory, API, dataset and CLI process, so the tests run concurrently.

const apiKey = 'pages-key-3e9a0c71';

/**
 * A hostile API in front of the reference API: the page at `offset` is answered with
 * `{ "data": null, "total": <total> }` the first `times` times, every other request is forwarded.
 */
async function nullPageProxy(
  targetUrl: string,
  options: { offset: number; total: number; times: number },
  onTestFinished: (handler: OnTestFinishedHandler) => void,
) {
  const target = new URL(targetUrl);
  let nullsLeft = options.times;
  let asked = 0;
  const server = createServer((incoming, outgoing) => {
    const offset = new URL(incoming.url ?? '/', 'http://proxy').searchParams.get('offset');
    if (offset === String(options.offset)) {
      asked += 1;
      if (nullsLeft > 0) {
        nullsLeft -= 1;
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ data: null, total: options.total }));
        return;
      }
    }
    forwardRequest(target, incoming, outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Requests for the hostile page so far. */
    asked: () => asked,
  };
}

/** stdout must be exactly one JSON value. */
function parseJson(result: CliProcessResult): JsonResult {
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as JsonResult;
}

async function countRows(database: TestDatabase, schema: string) {
  const [row] = await database.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."resource_name"`,
  );
  return row;
}

/** Runs the seed config (offset paging with `limit`, merge on `id`) against `baseUrl` into a dataset of its own. */
async function runOffsetSync(workspace: CliWorkspace, baseUrl: string, paginator: Record<string, unknown>) {
  const seed = seedSource(baseUrl);
  const source = {
    ...seed,
    resources: seed.resources.map((resource) => ({
      ...resource,
      endpoint: { ...resource.endpoint, paginator },
    })),
  };
  const dataset = workspace.dataset('pages');
  const config = await writeConfig(workspace.directory, 'sync.json', { pipeline: { name: 'pages' }, source });
  const result = await workspace.run([
    'run',
    config,
    '--destination',
    workspace.database.url,
    '--dataset',
    dataset,
    '--json',
  ]);
  return { result, dataset };
}

describe.concurrent('restsync run against an API whose pages contradict its total (child process)', () => {
  // Regression: `{"data": null}` at offset 3000 of 20000 ended the run with exit 0 and 3000 of 20000 rows.
  it('should request a null page before the total again and load exactly every row', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 20_000, apiKey });
    const proxy = await nullPageProxy(api.url, { offset: 3000, total: 20_000, times: 1 }, onTestFinished);

    const { result, dataset } = await runOffsetSync(workspace, proxy.url, { type: 'offset', limit: 1000 });

    expect(result.code, result.stderr).toBe(0);
    const json = parseJson(result);
    expect(json.status).toBe('succeeded');
    expect(json.resources.resource_name?.rows).toBe(20_000);
    expect(json.retries).toBe(1);
    expect(proxy.asked()).toBe(2);
    expect(await countRows(workspace.database, dataset)).toEqual({ rows: 20_000, ids: 20_000 });
  });

  // Regression: a page that stayed `{"data": null}` before the total was a silent end: exit 0, "succeeded", 3000 rows.
  it('should fail with exit 1 and a pagination error naming the resource, the offset and the total when the page stays null', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 20_000, apiKey });
    const proxy = await nullPageProxy(
      api.url,
      { offset: 3000, total: 20_000, times: Number.POSITIVE_INFINITY },
      onTestFinished,
    );

    const { result, dataset } = await runOffsetSync(workspace, proxy.url, { type: 'offset', limit: 1000 });

    expect(result.code, result.stderr).toBe(1);
    const json = parseJson(result);
    expect(json.status).toBe('failed');
    expect(json.error?.code).toBe('pagination');
    expect(json.error?.message).toContain('resource "resource_name"');
    expect(json.error?.message).toContain('offset 3000');
    expect(json.error?.message).toContain('the total is 20000 records');
    expect(json.error?.message).not.toContain(apiKey);
    expect(result.stderr).not.toContain(apiKey);
    expect(proxy.asked()).toBe(2);
    // Nothing past the contradiction was loaded, and nothing twice (the table exists once a batch was committed).
    const [table] = await workspace.database.query<{ exists: boolean }>(
      `select to_regclass('"${dataset}"."resource_name"') is not null as exists`,
    );
    if (table?.exists) {
      const committed = await countRows(workspace.database, dataset);
      expect(committed?.rows).toBe(committed?.ids);
      expect(committed?.rows).toBeLessThanOrEqual(3000);
    }
  });

  // Regression: with limit 1000, an API that caps pages at 600 lost 400 records per page and exited 0.
  it('should load exactly every row from an API that caps the page size, and warn about the cap', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 5_000, apiKey, maxLimit: 600 });

    const { result, dataset } = await runOffsetSync(workspace, api.url, { type: 'offset', limit: 1000 });

    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result).resources.resource_name?.rows).toBe(5_000);
    expect(await countRows(workspace.database, dataset)).toEqual({ rows: 5_000, ids: 5_000 });
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning:'));
    expect(warnings).toEqual([
      expect.stringContaining('the API caps the page size at 600 (limit asked: 1000)'),
    ]);
  });

  it('should end at the first short page when the API sends no total, as dlt does', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 5_000, apiKey, maxLimit: 600, includeTotal: false });

    const { result, dataset } = await runOffsetSync(workspace, api.url, { type: 'offset', limit: 1000 });

    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result).resources.resource_name).toMatchObject({ rows: 600, pages: 1 });
    expect(await countRows(workspace.database, dataset)).toEqual({ rows: 600, ids: 600 });
  });
});
