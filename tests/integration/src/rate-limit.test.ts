import type { JsonResult } from '@restsync/cli';
import { startTestServer, type TestServer, type TestServerOptions } from '@restsync/test-server';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// The built CLI in a child process, against @restsync/test-server, into real Postgres.

async function setup(onTestFinished: (handler: OnTestFinishedHandler) => void, options: TestServerOptions) {
  const api = await startTestServer(options);
  onTestFinished(() => api.close());
  const workspace = await createWorkspace('unused', (cleanup) => onTestFinished(cleanup));
  return { api, ...workspace };
}

function parseJson(stdout: string): JsonResult {
  return JSON.parse(stdout) as JsonResult;
}

async function count(database: { query: <Row>(sql: string) => Promise<Row[]> }, table: string) {
  const [row] = await database.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from ${table}`,
  );
  return row;
}

const statuses = (api: TestServer, status: number) =>
  api.requests.filter((request) => request.status === status).length;

/** Two offset-paged collections read at once (parallelized), pages fetched ahead: well above 20 requests/s unlimited. */
function twoCollections(baseUrl: string, client: Record<string, unknown>) {
  return {
    client: { base_url: baseUrl, retry: { max_retries: 10, initial_delay_ms: 50 }, ...client },
    resource_defaults: {
      primary_key: 'id',
      write_disposition: 'merge',
      parallelized: true,
      endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 10, total_path: 'total' } },
    },
    resources: [
      { name: 'first', endpoint: { path: '/v1/first' } },
      { name: 'second', endpoint: { path: '/v1/second' } },
    ],
  };
}

const limitedApi: TestServerOptions = {
  collections: { first: { records: 300 }, second: { records: 300 } },
  rateLimit: { requestsPerSecond: 20, retryAfterSeconds: 1 },
};

describe.concurrent('client.rate_limit against an API that allows 20 requests/s (built CLI)', () => {
  it('should get no 429 with requests_per_second: 20, and load every row exactly once', async ({
    onTestFinished,
  }) => {
    const { api, database, dataset, directory, run } = await setup(onTestFinished, limitedApi);
    const name = dataset('rate_limited');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'rate_limited' },
      source: twoCollections(api.url, { rate_limit: { requests_per_second: 20 } }),
    });

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).status).toBe('succeeded');
    const tooMany = statuses(api, 429);
    console.info(
      `rate-limit e2e: with requests_per_second 20: ${tooMany} responses 429 of ${api.requests.length}`,
    );
    expect(tooMany).toBe(0);
    expect(api.stats().rateLimited).toBe(0);
    expect(await count(database, `"${name}"."first"`)).toEqual({ rows: 300, ids: 300 });
    expect(await count(database, `"${name}"."second"`)).toEqual({ rows: 300, ids: 300 });
  });

  it('should bounce off many 429s without a rate limit (and still load every row through retries)', async ({
    onTestFinished,
  }) => {
    const { api, database, dataset, directory, run } = await setup(onTestFinished, limitedApi);
    const name = dataset('rate_unlimited');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'rate_unlimited' },
      source: twoCollections(api.url, {}),
    });

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    const tooMany = statuses(api, 429);
    console.info(`rate-limit e2e: without a rate limit: ${tooMany} responses 429 of ${api.requests.length}`);
    expect(tooMany).toBeGreaterThan(0);
    expect(api.stats().rateLimited).toBe(tooMany);
    expect(result.code, result.stderr).toBe(0);
    expect(await count(database, `"${name}"."first"`)).toEqual({ rows: 300, ids: 300 });
  });
});

describe.concurrent('parallelized resources (built CLI)', () => {
  it('should load two parallel resources and a parallel child exactly, with every resource completed', async ({
    onTestFinished,
  }) => {
    const { api, database, dataset, directory, run } = await setup(onTestFinished, {
      collections: { users: { records: 30 }, items: { records: 250 } },
      fallback: (request) => {
        const match = /^\/v1\/user-posts\/(\d+)$/.exec(request.path);
        if (!match) return undefined;
        const user = Number(match[1]);
        return { body: { data: [1, 2, 3].map((index) => ({ id: user * 10 + index, user })) } };
      },
    });
    const name = dataset('parallel');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'parallel' },
      source: {
        client: { base_url: api.url, rate_limit: { requests_per_second: 200, max_concurrency: 4 } },
        resource_defaults: { primary_key: 'id', write_disposition: 'merge', parallelized: true },
        resources: [
          {
            name: 'users',
            endpoint: { path: '/v1/users', data_selector: 'data', paginator: { type: 'offset', limit: 7 } },
          },
          {
            name: 'items',
            endpoint: { path: '/v1/items', data_selector: 'data', paginator: { type: 'offset', limit: 20 } },
          },
          {
            name: 'posts',
            endpoint: { path: '/v1/user-posts/{resources.users.id}', data_selector: 'data' },
          },
        ],
      },
    });

    const result = await run([
      'run',
      config,
      '--destination',
      database.url,
      '--dataset',
      name,
      '--json',
      '--concurrency',
      '6',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(await count(database, `"${name}"."users"`)).toEqual({ rows: 30, ids: 30 });
    expect(await count(database, `"${name}"."items"`)).toEqual({ rows: 250, ids: 250 });
    expect(await count(database, `"${name}"."posts"`)).toEqual({ rows: 90, ids: 90 });
    const json = parseJson(result.stdout);
    expect(json.status).toBe('succeeded');
    // A rerun starts every resource from its beginning again: no resource was left in progress.
    const rerun = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await count(database, `"${name}"."items"`)).toEqual({ rows: 250, ids: 250 });
    expect(await count(database, `"${name}"."posts"`)).toEqual({ rows: 90, ids: 90 });
  });
});

describe.concurrent('client.circuit_breaker (built CLI)', () => {
  it('should fail fast against a dead API after N failures in a row, naming its origin', async ({
    onTestFinished,
  }) => {
    const { api, database, dataset, directory, run } = await setup(onTestFinished, {
      fallback: () => ({ status: 503, body: { error: 'down' } }),
    });
    const name = dataset('breaker');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'breaker' },
      source: {
        client: {
          base_url: api.url,
          retry: { max_retries: 20, initial_delay_ms: 10, max_delay_ms: 20 },
          circuit_breaker: { consecutive_failures: 4 },
        },
        resources: [
          { name: 'first', endpoint: { path: '/v1/first', paginator: { type: 'offset', limit: 10 } } },
          { name: 'second', endpoint: { path: '/v1/second', paginator: { type: 'offset', limit: 10 } } },
        ],
      },
    });

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    expect(result.code).toBe(1);
    const json = parseJson(result.stdout);
    expect(json.status).toBe('failed');
    expect(json.error?.message).toContain(`the API at ${api.url} looks down: 4 requests in a row failed`);
    // Without the breaker this run would make 21 attempts for the first page alone.
    expect(api.requests).toHaveLength(4);
  });
});
