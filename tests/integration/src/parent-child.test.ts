import { fileURLToPath } from 'node:url';
import { apiKey } from '@restsync/auth-api-key';
import {
  createEventBus,
  loadRestApiSource,
  type RestsyncEvent,
  restApiSource,
  type Source,
  type SourcePage,
} from '@restsync/core';
import { offset } from '@restsync/paginator-offset';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const projectDirectory = fileURLToPath(new URL('..', import.meta.url));
const key = 'parent-child-key-42';
const projects = [
  { id: 11, slug: 'alpha', owner: 'ann' },
  { id: 12, slug: 'beta', owner: 'bob' },
  { id: 13, slug: 'gamma', owner: 'cy' },
];
const tasksPerProject = 5;

interface Received {
  path: string;
  query: Record<string, string>;
  header: string | null;
  body: unknown;
}
const received: Received[] = [];

function window<T>(items: T[], url: URL): T[] {
  const start = Number(url.searchParams.get('offset') ?? 0);
  return items.slice(start, start + Number(url.searchParams.get('limit') ?? items.length));
}

const server = setupServer(
  http.all('https://api.example.com/*', async ({ request }) => {
    const url = new URL(request.url);
    const body = request.method === 'POST' ? await request.json() : undefined;
    received.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      header: request.headers.get('x-project'),
      body,
    });
    if (url.searchParams.get('api_key') !== key)
      return HttpResponse.json({ error: 'bad key' }, { status: 401 });
    if (url.pathname === '/v1/projects')
      return HttpResponse.json({ items: window(projects, url), total: projects.length });
    const tasks = /^\/v1\/projects\/(\w+)\/tasks$/.exec(url.pathname);
    if (tasks && request.method === 'POST') {
      const all = Array.from({ length: tasksPerProject }, (_, index) => ({
        task: `${tasks[1]}-${index + 1}`,
      }));
      return HttpResponse.json({ data: window(all, url) });
    }
    const project = /^\/v1\/projects\/(\d+)$/.exec(url.pathname);
    if (project) {
      const found = projects.find((item) => item.id === Number(project[1]));
      return found?.slug === 'beta'
        ? HttpResponse.json({ message: 'project archived' }, { status: 404 })
        : HttpResponse.json({ ...found, details: { stars: 3 } });
    }
    return HttpResponse.json({ error: 'no route' }, { status: 500 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  received.length = 0;
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function readAll(source: Source): Promise<{ pages: SourcePage[]; events: RestsyncEvent[] }> {
  const pages: SourcePage[] = [];
  const events: RestsyncEvent[] = [];
  for await (const page of source.pages({
    events: createEventBus({ listeners: [(event) => events.push(event)] }),
  })) {
    pages.push(page);
  }
  return { pages, events };
}

/** dlt's form: a paginated parent and a paginated POST child with placeholders in path, query, body and header. */
const dltConfig = {
  client: {
    base_url: 'https://api.example.com/v1',
    auth: { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
    paginator: { type: 'offset', limit: 2 },
  },
  resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
  resources: [
    'projects',
    {
      name: 'tasks',
      primary_key: 'task',
      include_from_parent: ['id', 'slug'],
      endpoint: {
        path: 'projects/{resources.projects.slug}/tasks',
        method: 'POST',
        params: { owner: '{resources.projects.owner}' },
        json: { project_id: '{resources.projects.id}', note: 'tasks of {resources.projects.slug}' },
        headers: { 'X-Project': '{resources.projects.slug}' },
        data_selector: 'data',
      },
    },
  ],
};

describe('parent/child resources', () => {
  it('should fetch every child page for every parent record over a paginated parent', async () => {
    const source = await loadRestApiSource(dltConfig, { cwd: projectDirectory, env: { API_KEY: key } });

    const { pages } = await readAll(source);

    expect(pages.map((page) => `${page.resource}#${page.index}:${page.records.length}`)).toEqual([
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
    const taskRequests = received.filter((request) => request.path.endsWith('/tasks'));
    expect(taskRequests.map((request) => `${request.path}?offset=${request.query.offset}`)).toEqual(
      ['alpha', 'beta', 'gamma'].flatMap((slug) =>
        [0, 2, 4].map((start) => `/v1/projects/${slug}/tasks?offset=${start}`),
      ),
    );
    for (const request of taskRequests) {
      const project = projects.find((item) => request.path.includes(item.slug))!;
      expect(request.query.owner).toBe(project.owner);
      expect(request.header).toBe(project.slug);
      expect(request.body).toEqual({ project_id: project.id, note: `tasks of ${project.slug}` });
    }
    expect(received.every((request) => request.query.api_key === key)).toBe(true);
    const tasks = pages.filter((page) => page.resource === 'tasks').flatMap((page) => page.records);
    expect(tasks).toHaveLength(projects.length * tasksPerProject);
    expect(tasks[14]).toEqual({ task: 'gamma-5', _projects_id: 13, _projects_slug: 'gamma' });
    expect(source.resources.map((resource) => [resource.name, resource.parent, resource.primaryKey])).toEqual(
      [
        ['projects', undefined, ['id']],
        ['tasks', 'projects', ['task']],
      ],
    );
  });

  it('should read single entities per parent, skip a 404 by a response action, and apply processing steps', async () => {
    const source = restApiSource({
      client: {
        baseUrl: 'https://api.example.com/v1',
        auth: apiKey({ name: 'api_key', apiKey: key, location: 'query' }),
        paginator: offset({ limit: 2 }),
      },
      resources: [
        { name: 'projects', selected: false, endpoint: { path: 'projects', dataSelector: 'items' } },
        {
          name: 'project',
          endpoint: {
            path: 'projects/{resources.projects.id}',
            responseActions: [{ status: 404, content: 'archived', action: 'ignore' }],
          },
          processingSteps: [
            { filter: (record) => record.slug !== 'gamma' },
            { map: (record) => ({ id: record.id, stars: (record.details as { stars: number }).stars }) },
          ],
        },
      ],
    });

    const { pages, events } = await readAll(source);

    expect(pages.map((page) => [page.resource, page.records])).toEqual([
      ['project', [{ id: 11, stars: 3 }]],
      ['project', []],
    ]);
    const entityRequests = received.filter((request) => /\/projects\/\d+$/.test(request.path));
    expect(entityRequests.map((request) => [request.path, request.query.offset])).toEqual([
      ['/v1/projects/11', undefined],
      ['/v1/projects/12', undefined],
      ['/v1/projects/13', undefined],
    ]);
    expect(events.filter((event) => event.type === 'response_ignored')).toEqual([
      expect.objectContaining({ resource: 'project', status: 404 }),
    ]);
    expect(source.resources.map((resource) => resource.name)).toEqual(['project']);
  });
});
