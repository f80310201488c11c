import {
  type Auth,
  ConfigError,
  createAdapterRegistry,
  createEventBus,
  type RestsyncEvent,
  restApiSource,
  type SourcePage,
} from '@restsync/core';
import { startTestServer, type TestServer } from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import { headerLinkAdapter, jsonLinkAdapter, jsonResponseAdapter } from './index';

const registry = createAdapterRegistry({
  adapters: [jsonLinkAdapter, jsonResponseAdapter, headerLinkAdapter],
});
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(...options: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...options);
  servers.push(server);
  return server;
}

async function run(config: Record<string, unknown>) {
  const events: RestsyncEvent[] = [];
  const pages: SourcePage[] = [];
  const source = restApiSource(config as Parameters<typeof restApiSource>[0], { registry });
  for await (const page of source.pages({
    events: createEventBus({ listeners: [(event) => events.push(event)] }),
  })) {
    pages.push(page);
  }
  const ids = pages.flatMap((page) => page.records.map((record) => record.id));
  return { pages, events, ids };
}

/** Sends the key in `x-api-key`; the engine applies it only on the configured origin. */
const headerKeyAuth: Auth = {
  kind: 'auth',
  specificationVersion: 'v1',
  type: 'header_key',
  apply: (request) => ({ ...request, headers: { ...request.headers, 'x-api-key': 'k-123-secret' } }),
  secrets: () => ['k-123-secret'],
};

const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

describe('json_link and header_link against an API', () => {
  it("should follow Microsoft Graph's @odata.nextLink with dlt's bracket path", async () => {
    const api = await serve({
      collections: {
        users: { records: 23, pageSize: 5, pagination: { type: 'json_link', nextKey: '@odata.nextLink' } },
      },
    });
    const { ids } = await run({
      client: { base_url: `${api.url}/v1` },
      resources: [
        {
          name: 'users',
          endpoint: {
            data_selector: 'data',
            paginator: { type: 'json_link', next_url_path: "['@odata.nextLink']" },
          },
        },
      ],
    });
    expect(ids).toEqual(range(23));
    expect(api.collection('users').requests).toBe(5);
  });

  it('should resolve relative next links and stop on an empty one', async () => {
    const api = await serve({
      collections: {
        items: { records: 12, pageSize: 5, pagination: { type: 'json_link', relative: true, end: 'empty' } },
      },
    });
    const { ids, events } = await run({
      client: { base_url: `${api.url}/v1` },
      resources: [{ name: 'items', endpoint: { data_selector: 'data', paginator: 'json_link' } }],
    });
    expect(ids).toEqual(range(12));
    expect(api.collection('items').requests).toBe(3);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'pagination_done', reason: 'empty next link' }),
    );
  });

  // The core keeps credentials on the configured origin; a next link to another server must not carry them.
  it.each([
    ['json_link', { type: 'json_link' }],
    ['header_link', { type: 'header_link' }],
  ] as const)(
    '%s should follow a link to another origin without the credentials',
    async (type, pagination) => {
      const other = await serve({ collections: { items: { records: 12, pageSize: 5, pagination } } });
      const api = await serve({
        auth: { type: 'api_key', value: 'k-123-secret', name: 'x-api-key', location: 'header' },
        collections: {
          items: { records: 12, pageSize: 5, pagination: { ...pagination, origin: other.url } },
        },
      });
      const { ids } = await run({
        client: {
          base_url: `${api.url}/v1`,
          auth: headerKeyAuth,
        },
        resources: [{ name: 'items', endpoint: { data_selector: 'data', paginator: type } }],
      });
      expect(ids).toEqual(range(12));
      expect(api.requests.filter((request) => request.handler === 'items')).toHaveLength(1);
      const elsewhere = other.requests.filter((request) => request.handler === 'items');
      expect(elsewhere).toHaveLength(2);
      expect(JSON.stringify(elsewhere)).not.toContain('k-123-secret');
    },
  );
});

describe('errors of link paginators', () => {
  it.each([
    ['json_link', (url: string) => ({ body: { data: [{ id: 1 }], next: `${url}/v1/loop?page=2` } })],
    [
      'header_link',
      (url: string) => ({
        headers: { link: `<${url}/v1/loop?page=2>; rel="next"` },
        body: { data: [{ id: 1 }] },
      }),
    ],
  ] as const)('%s should fail on a next link that asks for the same request again', async (type, reply) => {
    let url = '';
    const api = await serve({ routes: { 'GET /v1/loop': () => reply(url) } });
    url = api.url;
    await expect(
      run({
        client: { base_url: `${api.url}/v1` },
        resources: [{ name: 'loop', endpoint: { data_selector: 'data', paginator: type } }],
      }),
    ).rejects.toThrow(/resource "loop": the paginator asked for GET .*\/v1\/loop\?page=2 again after page 1/);
    expect(api.requests).toHaveLength(2);
  });

  it('header_link should fail clearly on a malformed Link header', async () => {
    const api = await serve({
      routes: {
        'GET /v1/bad': () => ({ headers: { link: 'https://x.test/?page=2; rel=next' }, body: [{ id: 1 }] }),
      },
    });
    await expect(
      run({
        client: { base_url: `${api.url}/v1` },
        resources: [{ name: 'bad', endpoint: { paginator: 'header_link' } }],
      }),
    ).rejects.toThrow('header_link paginator: resource "bad", page 0: the Link header is malformed');
  });
});

describe('paginator config as in dlt', () => {
  it('should detect a Link header when no paginator is configured, and report why', async () => {
    const api = await serve({
      collections: {
        issues: { records: 12, pageSize: 5, pagination: { type: 'header_link' }, dataKey: null },
      },
    });
    const { ids, events } = await run({ client: { base_url: `${api.url}/v1` }, resources: ['issues'] });
    expect(ids).toEqual(range(12));
    expect(api.collection('issues').requests).toBe(3);
    expect(events.filter((event) => event.type === 'paginator_detected')).toEqual([
      {
        type: 'paginator_detected',
        resource: 'issues',
        paginator: 'header_link',
        config: { type: 'header_link' },
        reason: 'the response has a Link header with rel="next"',
      },
    ]);
  });

  it('should use the endpoint paginator over the defaults and the client, and let null reset an inherited one', async () => {
    const api = await serve({
      collections: {
        linked: { records: 7, pageSize: 5, pagination: { type: 'json_link' } },
        headed: { records: 7, pageSize: 5, pagination: { type: 'header_link' }, dataKey: null },
      },
    });
    const { pages } = await run({
      client: { base_url: `${api.url}/v1`, paginator: 'header_link' },
      resource_defaults: { endpoint: { paginator: { type: 'json_link' }, data_selector: 'data' } },
      resources: [
        // defaults: json_link
        { name: 'linked' },
        // null resets the defaults' paginator and selector: the client's header_link, selector detected
        { name: 'headed', endpoint: { paginator: null, data_selector: null } },
        // the endpoint's own single_page wins
        { name: 'one', endpoint: { path: 'linked', paginator: 'single_page' } },
      ],
    });
    const count = (name: string) =>
      pages.filter((page) => page.resource === name).flatMap((page) => page.records).length;
    expect([count('linked'), count('headed'), count('one')]).toEqual([7, 7, 5]);
  });

  it('should fetch a single-entity path once, with the whole body as the record, despite a client paginator', async () => {
    const api = await serve({
      collections: { users: { records: 3, pageSize: 5, pagination: { type: 'header_link' } } },
    });
    const { pages } = await run({
      client: { base_url: `${api.url}/v1`, paginator: 'header_link' },
      resources: [{ name: 'user', endpoint: { path: 'users/{id}', params: { id: 2 } } }],
    });
    expect(pages.map((page) => page.records)).toEqual([[expect.objectContaining({ id: 2 })]]);
  });

  it('should accept camelCase option names, and refuse unknown options with their config path', () => {
    const base = { client: { base_url: 'https://api.example.test' } };
    expect(() =>
      restApiSource(
        {
          ...base,
          resources: [
            { name: 'a', endpoint: { paginator: { type: 'json_link', nextUrlPath: 'links.next' } } },
          ],
        },
        { registry },
      ),
    ).not.toThrow();
    let error: unknown;
    try {
      restApiSource(
        {
          ...base,
          resources: [
            { name: 'a', endpoint: { paginator: { type: 'json_link', next_url_pth: 'x' } } },
            { name: 'b', endpoint: { paginator: { type: 'single_page', limit: 1 } } },
            { name: 'c', endpoint: { paginator: { type: 'auto', next_url_path: 'x' } } },
          ],
        },
        { registry },
      );
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'resources[0].endpoint.paginator.next_url_pth: unknown key; did you mean "next_url_path"?',
      'resources[1].endpoint.paginator.limit: unknown key (no options are accepted here)',
      'resources[2].endpoint.paginator.next_url_path: unknown key: the paginator "auto" takes no options',
    ]);
  });
});
