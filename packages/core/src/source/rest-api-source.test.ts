import {
  type LoggedRequest,
  type RouteHandler,
  startTestServer,
  type TestServer,
} from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourcePage, SourceRunOptions } from '../contracts/source';
import { ResponseError } from '../errors';
import { createEventBus, type RestsyncEvent } from '../events';
import { headerToken, pages, queryKey, testRegistry } from './__fixtures__/test-adapters';
import { restApiSource } from './rest-api-source';

let api: TestServer | undefined;

afterEach(async () => {
  expect(api?.unhandled ?? []).toEqual([]);
  await api?.close();
  api = undefined;
});

async function serve(handler: RouteHandler): Promise<string> {
  api = await startTestServer({ fallback: handler });
  return api.url;
}

function requests(): readonly LoggedRequest[] {
  return api?.requests ?? [];
}

/** `count` records `{ id, name }` served `size` per `?page=`. */
function paged(
  count: number,
  size: number,
  query: URLSearchParams,
  make: (id: number) => Record<string, unknown> = (id) => ({ id, name: `n${id}` }),
) {
  const page = Number(query.get('page') ?? 1);
  const ids = Array.from({ length: count }, (_, index) => index + 1).slice((page - 1) * size, page * size);
  return ids.map(make);
}

async function collect(
  source: ReturnType<typeof restApiSource>,
  options: Partial<SourceRunOptions> = {},
): Promise<{ pages: SourcePage[]; events: RestsyncEvent[] }> {
  const events: RestsyncEvent[] = [];
  const result: SourcePage[] = [];
  for await (const page of source.pages({
    events: createEventBus({ listeners: [(event) => events.push(event)] }),
    ...options,
  })) {
    result.push(page);
  }
  return { pages: result, events };
}

const summary = (pagesList: SourcePage[]) =>
  pagesList.map((page) => `${page.resource}#${page.index}:${page.records.length}`);

describe('restApiSource', () => {
  it('should fetch every page of a paginated resource with the client auth on every request', async () => {
    const origin = await serve((request) =>
      request.path === '/v1/items' ? { body: { data: paged(5, 2, request.query) } } : undefined,
    );
    const source = restApiSource({
      client: { baseUrl: `${origin}/v1`, auth: queryKey('key-1234567') },
      resources: [{ name: 'items', endpoint: { path: 'items', paginator: pages({ size: 2 }) } }],
    });

    const { pages: result } = await collect(source);

    expect(result.flatMap((page) => page.records.map((record) => record.id))).toEqual([1, 2, 3, 4, 5]);
    expect(requests().map((request) => [request.query.get('page'), request.query.get('key')])).toEqual([
      ['1', 'key-1234567'],
      ['2', 'key-1234567'],
      ['3', 'key-1234567'],
    ]);
    expect(source.redactor.redact('key-1234567')).toBe('***');
    expect(source.resources).toEqual([
      { name: 'items', primaryKey: [], writeDisposition: 'append', nested: 'flatten' },
    ]);
  });

  it('should use the endpoint paginator over the resource defaults and the client', async () => {
    const origin = await serve((request) => ({
      body: paged(3, Number(request.query.get('size') ?? 1), request.query),
    }));
    const sized = (size: number) => {
      const paginator = pages({ size });
      return {
        ...paginator,
        create: () => {
          const instance = paginator.create();
          return {
            ...instance,
            first: (request: Parameters<typeof instance.first>[0]) => {
              const first = instance.first(request);
              const url = new URL(first.url);
              url.searchParams.set('size', String(size));
              return { ...first, url: url.toString() };
            },
          };
        },
      };
    };
    const source = restApiSource({
      client: { baseUrl: origin, paginator: sized(1) },
      resourceDefaults: { endpoint: { paginator: sized(2) } },
      resources: [
        { name: 'own', endpoint: { path: 'own', paginator: sized(3) } },
        { name: 'inherited', endpoint: 'inherited' },
      ],
    });
    const client = restApiSource({
      client: { baseUrl: origin, paginator: sized(1) },
      resources: ['plain'],
    });

    await collect(source);
    await collect(client);

    const sizes = (path: string) =>
      requests()
        .filter((request) => request.path === path)
        .map((request) => request.query.get('size'));
    expect(sizes('/own')).toEqual(['3', '3']);
    expect(sizes('/inherited')).toEqual(['2', '2']);
    expect(sizes('/plain')).toEqual(['1', '1', '1', '1']);
  });

  it('should make one request when no paginator is configured', async () => {
    const origin = await serve(() => ({ body: [{ id: 1 }, { id: 2 }] }));
    const source = restApiSource({ client: { baseUrl: origin }, resources: ['things'] });

    const { pages: result } = await collect(source);

    expect(summary(result)).toEqual(['things#0:2']);
    expect(requests().map((request) => request.path)).toEqual(['/things']);
  });

  it('should fetch every child page for every parent record, depth first, with placeholders filled', async () => {
    const origin = await serve((request) => {
      if (request.path === '/projects')
        return { body: { items: paged(3, 2, request.query, (id) => ({ id, slug: `p${id}` })) } };
      const match = /^\/projects\/(\w+)\/tasks$/.exec(request.path);
      if (match && request.method === 'POST') {
        const page = Number(request.query.get('page'));
        const tasks =
          page <= 2
            ? [{ task: `${match[1]}-${page}a` }, { task: `${match[1]}-${page}b` }]
            : [{ task: `${match[1]}-3` }];
        return { body: { results: tasks } };
      }
      return undefined;
    });
    const source = restApiSource({
      client: { baseUrl: origin },
      resources: [
        { name: 'projects', endpoint: { path: 'projects', paginator: pages({ size: 2 }) } },
        {
          name: 'tasks',
          includeFromParent: ['id'],
          endpoint: {
            path: 'projects/{resources.projects.slug}/tasks',
            method: 'POST',
            params: { project: '{resources.projects.id}', kind: 'open' },
            json: {
              projectId: '{resources.projects.id}',
              label: 'project {resources.projects.slug}',
              keep: '{{literal}}',
            },
            headers: { 'X-Project': '{resources.projects.slug}' },
            paginator: pages({ size: 2 }),
          },
        },
      ],
    });

    const { pages: result } = await collect(source);

    expect(summary(result)).toEqual([
      'projects#0:2',
      'tasks#0:2',
      'tasks#1:2',
      'tasks#2:1',
      'tasks#0:2',
      'tasks#1:2',
      'tasks#2:1',
      'projects#1:1',
      'tasks#0:2',
      'tasks#1:2',
      'tasks#2:1',
    ]);
    const taskRequests = requests().filter((request) => request.path.endsWith('/tasks'));
    expect(taskRequests).toHaveLength(9);
    const third = taskRequests[8]!;
    expect(third.path).toBe('/projects/p3/tasks');
    expect(Object.fromEntries(third.query)).toEqual({ project: '3', kind: 'open', page: '3' });
    expect(third.json).toEqual({ projectId: 3, label: 'project p3', keep: '{literal}' });
    expect(third.headers['x-project']).toBe('p3');
    const lastTasks = result[result.length - 1]!;
    expect(lastTasks.records).toEqual([{ task: 'p3-3', _projects_id: 3 }]);
    expect(lastTasks.parent).toEqual({ id: 3, slug: 'p3' });
    expect(source.resources.map((resource) => [resource.name, resource.parent])).toEqual([
      ['projects', undefined],
      ['tasks', 'projects'],
    ]);
  });

  it("should accept dlt's resolve params, binding them into the path", async () => {
    const origin = await serve((request) => {
      if (request.path === '/issues') return { body: [{ number: 7 }, { number: 9 }] };
      if (request.path.startsWith('/issues/'))
        return { body: [{ text: request.path, by: request.query.get('by') }] };
      return undefined;
    });
    const source = restApiSource({
      client: { base_url: origin },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: {
            path: 'issues/{issue}/comments',
            params: {
              issue: { type: 'resolve', resource: 'issues', field: 'number' },
              by: '{resources.issues.number}',
            },
          },
        },
      ],
    });

    const { pages: result } = await collect(source);

    expect(result.filter((page) => page.resource === 'comments').flatMap((page) => page.records)).toEqual([
      { text: '/issues/7/comments', by: '7' },
      { text: '/issues/9/comments', by: '9' },
    ]);
  });

  it('should bind a static param into a path placeholder and send endpoint headers with secrets', async () => {
    const origin = await serve(() => ({ body: [] }));
    const source = restApiSource(
      {
        client: { base_url: origin },
        resources: [
          {
            name: 'issues',
            endpoint: {
              path: 'repos/{owner}/issues',
              params: { owner: 'acme corp', state: 'open', labels: ['bug', 'ui'], skip: null },
              headers: { 'X-Api-Token': { secret: 'endpoint_token' } },
            },
          },
        ],
      },
      { env: { ENDPOINT_TOKEN: 'token-from-env' } },
    );

    await collect(source);

    const [request] = requests();
    expect(request?.path).toBe('/repos/acme%20corp/issues');
    expect([...(request?.query ?? [])]).toEqual([
      ['state', 'open'],
      ['labels', 'bug'],
      ['labels', 'ui'],
    ]);
    expect(request?.headers['x-api-token']).toBe('token-from-env');
    expect(source.redactor.redact('acme corp token-from-env')).toBe('acme corp ***');
  });

  it('should fetch a non-selected parent for its children without emitting its pages', async () => {
    const origin = await serve((request) => {
      if (request.path === '/users') return { body: [{ id: 1 }, { id: 2 }] };
      if (request.path.startsWith('/users/'))
        return { body: { id: Number(request.path.split('/')[2]), detail: true } };
      return undefined;
    });
    const source = restApiSource({
      client: { baseUrl: origin, paginator: pages({ size: 100 }) },
      resources: [
        { name: 'users', selected: false },
        { name: 'user', endpoint: 'users/{resources.users.id}' },
      ],
    });

    const { pages: result } = await collect(source);

    expect(result.map((page) => [page.resource, page.records])).toEqual([
      ['user', [{ id: 1, detail: true }]],
      ['user', [{ id: 2, detail: true }]],
    ]);
    expect(source.resources.map((resource) => resource.name)).toEqual(['user']);
    // The single-entity endpoint does not inherit the client's paginator: no ?page=.
    expect(
      requests()
        .filter((request) => request.path !== '/users')
        .map((request) => request.query.toString()),
    ).toEqual(['', '']);
  });

  it('should name the resource and the field when a parent record lacks a placeholder field', async () => {
    const origin = await serve((request) =>
      request.path === '/users' ? { body: [{ id: 1 }, { name: 'no id' }] } : { body: [] },
    );
    const source = restApiSource({
      client: { baseUrl: origin },
      resources: ['users', { name: 'posts', endpoint: 'users/{resources.users.id}/posts' }],
    });

    const error = await collect(source).catch((caught: unknown) => caught);

    expect(ResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('resource "posts"');
    expect((error as Error).message).toContain('"users" has no field "id"');
    expect((error as Error).message).toContain('resources[1].endpoint');
  });

  it('should apply filter and map steps in order, before children see the records', async () => {
    const origin = await serve((request) => {
      if (request.path === '/orders')
        return {
          body: {
            data: [
              { id: 1, total: 5 },
              { id: 2, total: 50 },
              { id: 3, total: 500 },
            ],
          },
        };
      if (request.path.startsWith('/orders/')) return { body: { data: [{ line: request.path }] } };
      return undefined;
    });
    const source = restApiSource({
      client: { baseUrl: origin },
      resources: [
        {
          name: 'orders',
          processingSteps: [
            { filter: (record) => Number(record.total) > 10 },
            { map: (record) => ({ ...record, big: Number(record.total) > 100 }) },
          ],
        },
        { name: 'lines', endpoint: 'orders/{resources.orders.id}/lines', includeFromParent: ['big'] },
      ],
    });

    const { pages: result } = await collect(source);

    expect(result.map((page) => page.records)).toEqual([
      [
        { id: 2, total: 50, big: false },
        { id: 3, total: 500, big: true },
      ],
      [{ line: '/orders/2/lines', _orders_big: false }],
      [{ line: '/orders/3/lines', _orders_big: true }],
    ]);
  });

  it('should end a request sequence on an ignored 404 and report it as an event', async () => {
    const origin = await serve((request) => {
      if (request.path === '/repos') return { body: [{ name: 'a' }, { name: 'gone' }, { name: 'b' }] };
      if (request.path === '/repos/gone/stars') return { status: 404, body: { message: 'not found' } };
      if (request.path.startsWith('/repos/')) return { body: [{ star: request.path }] };
      return undefined;
    });
    const source = restApiSource({
      client: { base_url: origin },
      resources: [
        'repos',
        {
          name: 'stars',
          endpoint: {
            path: 'repos/{resources.repos.name}/stars',
            response_actions: [{ status_code: 404, action: 'ignore' }],
          },
        },
      ],
    });

    const { pages: result, events } = await collect(source);

    expect(result.filter((page) => page.resource === 'stars').flatMap((page) => page.records)).toEqual([
      { star: '/repos/a/stars' },
      { star: '/repos/b/stars' },
    ]);
    expect(events.filter((event) => event.type === 'response_ignored')).toEqual([
      expect.objectContaining({ resource: 'stars', status: 404 }),
    ]);
  });

  // Regression: a parent with children stored no checkpoint, so a rerun loaded it (and its children) from page 1.
  it("should carry the checkpoints of top-level resources, a parent's on the last page of its page tree, and resume from them", async () => {
    const origin = await serve((request) => {
      if (request.path === '/flat') return { body: paged(5, 2, request.query) };
      if (request.path === '/parents') return { body: paged(1, 2, request.query) };
      if (request.path.startsWith('/parents/')) return { body: [{ child: true }] };
      return undefined;
    });
    const source = restApiSource({
      client: { baseUrl: origin, paginator: pages({ size: 2 }) },
      resources: ['flat', 'parents', { name: 'kids', endpoint: 'parents/{resources.parents.id}/kids' }],
    });

    const { pages: first } = await collect(source);
    const resumed = await collect(source, { checkpoints: { flat: { page: 3 }, parents: { page: 9 } } });

    expect(first.map((page) => [page.resource, page.checkpoint, page.tree])).toEqual([
      ['flat', { page: 2 }, undefined],
      ['flat', { page: 3 }, undefined],
      ['flat', { page: 3 }, undefined],
      ['parents', undefined, { root: 'parents' }],
      ['kids', undefined, { root: 'parents', end: { checkpoint: { page: 1 } } }],
    ]);
    expect(
      resumed.pages.map((page) => [page.resource, page.records.map((record) => record.id ?? 'kid')]),
    ).toEqual([
      ['flat', [5]],
      ['parents', []],
    ]);
  });

  it('should send an endpoint auth instead of the client auth', async () => {
    const origin = await serve(() => ({ body: [] }));
    const source = restApiSource({
      client: { baseUrl: origin, auth: queryKey('client-key-1') },
      resources: [
        'public',
        { name: 'private', endpoint: { path: 'private', auth: headerToken('endpoint-token-1') } },
      ],
    });

    await collect(source);

    const [publicRequest, privateRequest] = requests();
    expect([publicRequest?.query.get('key'), publicRequest?.headers['x-token']]).toEqual([
      'client-key-1',
      undefined,
    ]);
    expect([privateRequest?.query.get('key'), privateRequest?.headers['x-token']]).toEqual([
      null,
      'endpoint-token-1',
    ]);
    expect(source.redactor.redact('client-key-1 endpoint-token-1')).toBe('*** ***');
  });

  it('should build type strings from the registry and resolve { secret } references from options.env', async () => {
    const origin = await serve((request) => ({ body: { data: paged(3, 2, request.query) } }));
    const source = restApiSource(
      {
        client: {
          base_url: origin,
          auth: { type: 'query_key', api_key: { secret: 'my_api_key' } },
          headers: { Authorization: { secret: 'header_token' } },
        },
        resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
        resources: [
          { name: 'items', endpoint: { data_selector: 'data', paginator: { type: 'page', size: 2 } } },
        ],
      },
      { registry: testRegistry, env: { MY_API_KEY: 'env-secret-key', HEADER_TOKEN: 'Bearer abc-123' } },
    );

    const { pages: result } = await collect(source);

    expect(result.flatMap((page) => page.records.map((record) => record.id))).toEqual([1, 2, 3]);
    expect(requests().map((request) => [request.query.get('key'), request.headers.authorization])).toEqual([
      ['env-secret-key', 'Bearer abc-123'],
      ['env-secret-key', 'Bearer abc-123'],
    ]);
    expect(source.resources[0]).toMatchObject({ primaryKey: ['id'], writeDisposition: 'merge' });
    expect(source.redactor.redact('env-secret-key Bearer abc-123')).toBe('*** ***');
  });

  it('should fail with the selector, the page and the keys present when the data selector matches nothing', async () => {
    const origin = await serve(() => ({ body: { results: [{ id: 1 }], count: 1 } }));
    const source = restApiSource({
      client: { baseUrl: origin },
      resources: [{ name: 'items', endpoint: { path: 'items', dataSelector: 'data.items' } }],
    });

    const error = await collect(source).catch((caught: unknown) => caught);

    expect(ResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'resource "items", page 0: data selector "data.items" matched nothing',
    );
    expect((error as Error).message).toContain('keys present: results, count');
  });
});
