import { fileURLToPath } from 'node:url';
import { apiKey } from '@restsync/auth-api-key';
import {
  ConfigError,
  createEventBus,
  loadRestApiSource,
  restApiSource,
  type Source,
  type SourcePage,
  secret,
} from '@restsync/core';
import { offset } from '@restsync/paginator-offset';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/** The integration package: adapter packages resolve from here, as from a user's project. */
const projectDirectory = fileURLToPath(new URL('..', import.meta.url));
const key = 'seed-key-7f3a9c';
const total = 250;

/** The seed config, verbatim, as plain dlt data (`dlt.secrets["api_key"]` → `{ "secret": "api_key" }`). */
const seedJson = `{
  "client": {
    "base_url": "https://api.example.com",
    "auth": {
      "type": "api_key",
      "name": "api_key",
      "api_key": { "secret": "api_key" },
      "location": "query"
    }
  },
  "resource_defaults": {
    "primary_key": "id",
    "write_disposition": "merge"
  },
  "resources": [
    {
      "name": "resource_name",
      "endpoint": {
        "path": "/v1/resource",
        "data_selector": "data",
        "paginator": {
          "type": "offset",
          "limit": 100
        }
      }
    }
  ]
}`;

const received: URL[] = [];
const server = setupServer(
  http.get('https://api.example.com/v1/resource', ({ request }) => {
    const url = new URL(request.url);
    received.push(url);
    if (url.searchParams.get('api_key') !== key)
      return HttpResponse.json({ error: 'bad key' }, { status: 401 });
    const start = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    const data = [];
    for (let id = start + 1; id <= Math.min(start + limit, total); id += 1) {
      data.push({ id, name: `name ${id}`, value: id * 1.5, nested: { a: id, b: `b${id}` } });
    }
    return HttpResponse.json({ data, total });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  received.length = 0;
  vi.stubEnv('API_KEY', key);
});
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

async function readAll(source: Source): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const page of source.pages({ events: createEventBus() })) pages.push(page);
  return pages;
}

describe('seed config', () => {
  it('should yield the same records from the dlt JSON form and the TypeScript form', async () => {
    const fromJson = await loadRestApiSource(JSON.parse(seedJson), { cwd: projectDirectory });
    const jsonPages = await readAll(fromJson);
    const jsonRequests = received.splice(0);

    const fromCode = restApiSource({
      client: {
        baseUrl: 'https://api.example.com',
        auth: apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' }),
      },
      resourceDefaults: { primaryKey: 'id', writeDisposition: 'merge' },
      resources: [
        {
          name: 'resource_name',
          endpoint: { path: '/v1/resource', dataSelector: 'data', paginator: offset({ limit: 100 }) },
        },
      ],
    });
    const codePages = await readAll(fromCode);
    const codeRequests = received.splice(0);

    const jsonRecords = jsonPages.flatMap((page) => page.records);
    expect(jsonRecords).toHaveLength(total);
    expect(jsonRecords.map((record) => record.id)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    expect(codePages.flatMap((page) => page.records)).toEqual(jsonRecords);
    for (const requests of [jsonRequests, codeRequests]) {
      expect(requests.map((url) => [url.searchParams.get('offset'), url.searchParams.get('limit')])).toEqual([
        ['0', '100'],
        ['100', '100'],
        ['200', '100'],
      ]);
      expect(requests.map((url) => url.searchParams.get('api_key'))).toEqual([key, key, key]);
    }
    expect(fromJson.resources).toEqual(fromCode.resources);
    expect(fromJson.resources).toEqual([
      { name: 'resource_name', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' },
    ]);
    expect(fromJson.redactor.redact(`?api_key=${key}`)).toBe('?api_key=***');
  });

  it('should report five mistakes at once, each with its path', async () => {
    const config = JSON.parse(seedJson);
    delete config.client.base_url;
    config.client.auth.location = 'body';
    delete config.resource_defaults.primary_key;
    config.resources[0].endpoint.paginator.limit = -5;
    config.resources[0].endpoint.data_selecter = config.resources[0].endpoint.data_selector;
    delete config.resources[0].endpoint.data_selector;

    const error = await loadRestApiSource(config, { cwd: projectDirectory }).catch(
      (caught: unknown) => caught,
    );

    expect(ConfigError.isInstance(error)).toBe(true);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path)).toEqual([
      'client.auth.location',
      'client.base_url',
      'resource_defaults.primary_key',
      'resources[0].endpoint.data_selecter',
      'resources[0].endpoint.paginator.limit',
    ]);
    expect((error as Error).message).toContain('5 problems');
    expect((error as Error).message).toContain(
      'resources[0].endpoint.data_selecter: unknown key; did you mean "data_selector"?',
    );
    expect((error as Error).message).toContain(
      'resources[0].endpoint.paginator.limit: expected a positive integer',
    );
    expect((error as Error).message).not.toContain(key);
  });

  it('should name the package to install for a third-party paginator type that is not installed', async () => {
    const config = JSON.parse(seedJson);
    config.resources[0].endpoint.paginator = { type: 'restsync-paginator-magic', cursor_path: 'next' };

    const error = await loadRestApiSource(config, { cwd: projectDirectory }).catch(
      (caught: unknown) => caught,
    );

    expect((error as ConfigError).issues).toEqual([
      {
        path: 'resources[0].endpoint.paginator.type',
        message:
          'paginator type "restsync-paginator-magic": install restsync-paginator-magic (npm install restsync-paginator-magic)',
      },
    ]);
  });
});
