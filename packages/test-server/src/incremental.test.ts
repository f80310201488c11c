import { afterEach, describe, expect, it } from 'vitest';
import type { ReferenceRecord } from './records';
import { startTestServer, type TestServer } from './test-server';
import type { CollectionOptions } from './test-server-options';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: Partial<CollectionOptions> = {}): Promise<TestServer> {
  const server = await startTestServer({
    collections: {
      issues: {
        records: 50,
        pageSize: 100,
        incremental: { sinceParam: 'since' },
        ...options,
      },
    },
  });
  servers.push(server);
  return server;
}

async function records(server: TestServer, query = ''): Promise<ReferenceRecord[]> {
  const response = await fetch(`${server.collection('issues').url}${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: ReferenceRecord[] }).data;
}

const ids = (list: { id: number }[]) => list.map((record) => record.id);

describe('startTestServer incremental', () => {
  it('should serve only records updated at or after since, inclusive by default', async () => {
    const server = await serve();
    const boundary = server.collection('issues').record(40).updated_at;
    expect(ids(await records(server, `?since=${boundary}`))).toEqual([
      40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
    ]);
    const exclusive = await serve({ incremental: { sinceParam: 'updated_since', inclusive: false } });
    expect(ids(await records(exclusive, `?updated_since=${boundary}`))).toHaveLength(10);
  });

  it('should accept epoch seconds and an exclusive upper bound', async () => {
    const server = await serve({ incremental: { sinceParam: 'since', untilParam: 'until' } });
    const collection = server.collection('issues');
    const since = Date.parse(collection.record(10).updated_at) / 1000;
    const until = collection.record(13).updated_at;
    expect(ids(await records(server, `?since=${since}&until=${until}`))).toEqual([10, 11, 12]);
    expect((await fetch(`${collection.url}?since=yesterday`)).status).toBe(400);
  });

  it('should order by updated_at descending, and let the client pick the order', async () => {
    const server = await serve({ order: 'desc', incremental: { orderParam: 'direction' } });
    expect(ids(await records(server)).slice(0, 3)).toEqual([50, 49, 48]);
    expect(ids(await records(server, '?direction=asc')).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('should add M records and change K between runs, all updated after everything before', async () => {
    const server = await serve({ order: 'asc' });
    const collection = server.collection('issues');
    const before = await records(server);
    const lastValue = before
      .map((record) => record.updated_at)
      .sort()
      .at(-1) as string;

    const changes = collection.mutate({ add: 3, update: 4 });

    expect(changes.added).toEqual([51, 52, 53]);
    expect(changes.updated).toHaveLength(4);
    expect(collection.count).toBe(53);
    const fresh = await records(server, `?since=${lastValue}`);
    // The inclusive boundary also returns the record that carried the last value.
    expect(ids(fresh).sort((left, right) => left - right)).toEqual(
      [...changes.updated, ...changes.added, 50].sort((left, right) => left - right),
    );
    for (const id of changes.updated) {
      const changed = fresh.find((record) => record.id === id);
      expect(changed?.name).not.toBe(before[id - 1]?.name);
      expect(changed).toEqual(collection.record(id));
    }
    const after = await records(server);
    expect(ids(after).slice(-7)).toEqual([...changes.updated, ...changes.added]);
    expect([...after].sort((left, right) => left.id - right.id)).toEqual(collection.records());
  });

  it('should pick the same records to change on every server with the same options', async () => {
    const first = (await serve()).collection('issues').mutate({ update: 5 });
    const second = (await serve()).collection('issues').mutate({ update: 5 });
    expect(second).toEqual(first);
    expect(first.updated).toEqual([6, 16, 26, 36, 46]);
  });

  it('should page through a filtered view with a cursor', async () => {
    const server = await serve({ pageSize: 4, pagination: { type: 'cursor' }, order: 'asc' });
    const collection = server.collection('issues');
    const since = collection.record(45).updated_at;
    collection.mutate({ update: 2 });
    const seen: number[] = [];
    let query = `?since=${since}`;
    for (let guard = 0; guard < 10; guard++) {
      const response = await fetch(`${collection.url}${query}`);
      const body = (await response.json()) as { data: { id: number }[]; cursors: { next: string | null } };
      seen.push(...ids(body.data));
      if (!body.cursors.next) break;
      query = `?since=${since}&cursor=${body.cursors.next}`;
    }
    expect(seen).toEqual([45, 46, 47, 48, 49, 50, 13, 38]);
  });

  it('should reject a change count above the record count', async () => {
    const server = await serve();
    expect(() => server.collection('issues').mutate({ update: 51 })).toThrow(/mutate\(changes\)\.update/);
  });
});
