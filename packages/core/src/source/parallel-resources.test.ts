import { type LoggedRequest, startTestServer, type TestServer } from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourcePage, SourceRunOptions } from '../contracts/source';
import { createEventBus } from '../events';
import { pages } from './__fixtures__/test-adapters';
import { restApiSource } from './rest-api-source';

let api: TestServer | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Resolves true once `count` requests matching `match` have arrived, false after a generous wait. */
async function arrived(match: (request: LoggedRequest) => boolean, count: number): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if ((api?.requests ?? []).filter(match).length >= count) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** `count` records `{ id }` served `size` per `?page=`. */
function paged(count: number, size: number, query: URLSearchParams, offset = 0) {
  const page = Number(query.get('page') ?? 1);
  return Array.from({ length: count }, (_, index) => ({ id: offset + index + 1 })).slice(
    (page - 1) * size,
    page * size,
  );
}

async function collect(source: ReturnType<typeof restApiSource>, options: Partial<SourceRunOptions> = {}) {
  const result: SourcePage[] = [];
  for await (const page of source.pages({ events: createEventBus(), ...options })) result.push(page);
  return result;
}

const isFirstPage = (path: string) => (request: LoggedRequest) =>
  request.path === path && (request.query.get('page') ?? '1') === '1';

describe('runSource with parallelized resources', () => {
  it('should run parallelized resources at once, each with its own pages in order and its checkpoints', async () => {
    // Each resource's first page is only answered once the other's first request has arrived:
    // fetched one after the other, the first would get a 503 and fail the run.
    api = await startTestServer({
      fallback: async (request) => {
        const other = request.path === '/v1/a' ? '/v1/b' : '/v1/a';
        if (request.query.get('page') === '1' && !(await arrived(isFirstPage(other), 1))) {
          return { status: 503, body: { error: 'not concurrent' } };
        }
        const offset = request.path === '/v1/a' ? 0 : 100;
        return { body: { data: paged(5, 2, request.query, offset) } };
      },
    });
    const source = restApiSource({
      client: { baseUrl: `${api.url}/v1`, retry: { maxRetries: 0 } },
      resourceDefaults: { parallelized: true, endpoint: { paginator: pages({ size: 2 }) } },
      resources: ['a', 'b'],
    });
    const result = await collect(source);
    for (const [name, offset] of [
      ['a', 0],
      ['b', 100],
    ] as const) {
      const own = result.filter((page) => page.resource === name);
      expect(own.map((page) => page.index)).toEqual([0, 1, 2]);
      expect(own.flatMap((page) => page.records.map((record) => record.id))).toEqual(
        [1, 2, 3, 4, 5].map((id) => id + offset),
      );
      // The test paginator's own positions, unmixed by the other resource's pages.
      expect(own.map((page) => page.checkpoint)).toEqual([{ page: 2 }, { page: 3 }, { page: 3 }]);
    }
  });

  it("should run a parallelized child's sequences for different parents at once, up to maxConcurrency", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    api = await startTestServer({
      routes: {
        '/v1/users': () => ({ body: { data: [{ id: 1 }, { id: 2 }, { id: 3 }] } }),
      },
      fallback: async (request) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // The posts of every user are held until all three users' requests are in.
        const together = await arrived((logged) => logged.path.endsWith('/posts'), 3);
        inFlight -= 1;
        if (!together) return { status: 503, body: { error: 'not concurrent' } };
        const user = Number(request.path.split('/')[3]);
        return { body: { data: [{ id: user * 10 }, { id: user * 10 + 1 }] } };
      },
    });
    const source = restApiSource({
      client: { baseUrl: `${api.url}/v1`, retry: { maxRetries: 0 } },
      resources: [
        'users',
        { name: 'posts', parallelized: true, endpoint: { path: 'users/{resources.users.id}/posts' } },
      ],
    });
    const result = await collect(source, { maxConcurrency: 3 });
    const posts = result.filter((page) => page.resource === 'posts');
    expect(posts.flatMap((page) => page.records.map((record) => record.id)).sort()).toEqual([
      10, 11, 20, 21, 30, 31,
    ]);
    expect(result.filter((page) => page.resource === 'users')).toHaveLength(1);
    expect(mostInFlight).toBe(3);
  });

  it('should fetch one sequence at a time with maxConcurrency 1, in config order', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    api = await startTestServer({
      routes: { '/v1/users': () => ({ body: { data: [{ id: 1 }, { id: 2 }, { id: 3 }] } }) },
      fallback: async (request) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return { body: { data: [{ id: Number(request.path.split('/')[3]) }] } };
      },
    });
    const source = restApiSource({
      client: { baseUrl: `${api.url}/v1` },
      resources: [
        'users',
        { name: 'posts', parallelized: true, endpoint: { path: 'users/{resources.users.id}/posts' } },
      ],
    });
    const result = await collect(source, { maxConcurrency: 1 });
    expect(result.map((page) => `${page.resource}:${page.records.map((record) => record.id)}`)).toEqual([
      'users:1,2,3',
      'posts:1',
      'posts:2',
      'posts:3',
    ]);
    expect(mostInFlight).toBe(1);
  });

  it('should fail the run when one parallel sequence fails, and stop the other one', async () => {
    api = await startTestServer({
      routes: { '/v1/broken': () => ({ status: 404, body: { error: 'gone' } }) },
      fallback: () => ({ hang: true }),
    });
    const source = restApiSource({
      client: { baseUrl: `${api.url}/v1` },
      resourceDefaults: { parallelized: true },
      resources: ['slow', 'broken'],
    });
    await expect(collect(source)).rejects.toThrow(/HTTP 404/);
  });
});
