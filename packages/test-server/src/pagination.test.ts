import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server';
import type { CollectionOptions } from './test-server-options';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server with one collection `items` of 95 records, 10 per page unless the options say otherwise. */
async function serve(options: Partial<CollectionOptions>): Promise<TestServer> {
  const server = await startTestServer({ collections: { items: { records: 95, pageSize: 10, ...options } } });
  servers.push(server);
  return server;
}

interface Page {
  status: number;
  headers: Headers;
  body: unknown;
}

async function get(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Follows `next` from the first page until it returns undefined; returns every id, in order. */
async function walk(
  first: string,
  next: (page: Page, url: string) => string | undefined,
  records: (body: unknown) => { id: number }[] = (body) => (body as { data: { id: number }[] }).data,
): Promise<number[]> {
  const ids: number[] = [];
  let url: string | undefined = first;
  for (let guard = 0; url !== undefined && guard < 100; guard++) {
    const page = await get(url);
    expect(page.status).toBe(200);
    ids.push(...records(page.body).map((record) => record.id));
    url = next(page, url);
  }
  return ids;
}

const allIds = Array.from({ length: 95 }, (_, index) => index + 1);

function withParam(url: string, name: string, value: string): string {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return next.toString();
}

describe('startTestServer pagination', () => {
  it('should page by offset with the record count in total', async () => {
    const server = await serve({ pagination: { type: 'offset' } });
    const url = server.collection('items').url;
    const ids = await walk(url, (page, current) => {
      const body = page.body as { data: unknown[]; total: number };
      expect(body.total).toBe(95);
      const offset = Number(new URL(current).searchParams.get('offset') ?? 0) + 10;
      return offset < body.total ? withParam(current, 'offset', String(offset)) : undefined;
    });
    expect(ids).toEqual(allIds);
    expect(server.collection('items').requests).toBe(10);
  });

  it('should page by page number from the base page with the page count in total', async () => {
    for (const basePage of [0, 1]) {
      const server = await serve({ pagination: { type: 'page_number', basePage } });
      const url = server.collection('items').url;
      const ids = await walk(url, (page, current) => {
        const body = page.body as { total: number };
        expect(body.total).toBe(10);
        const number = Number(new URL(current).searchParams.get('page') ?? basePage) + 1;
        return number < body.total + basePage ? withParam(current, 'page', String(number)) : undefined;
      });
      expect(ids).toEqual(allIds);
      const before = await get(withParam(url, 'page', String(basePage - 1)));
      expect(before.status).toBe(400);
      expect((await get(withParam(url, 'page', String(basePage + 10)))).body).toEqual({
        data: [],
        total: 10,
      });
    }
  });

  it('should page by a JSON cursor at cursors.next that is null on the last page', async () => {
    const server = await serve({ pagination: { type: 'cursor' } });
    const cursors: unknown[] = [];
    const ids = await walk(server.collection('items').url, (page, current) => {
      const next = (page.body as { cursors: { next: string | null } }).cursors.next;
      cursors.push(next);
      return next ? withParam(current, 'cursor', next) : undefined;
    });
    expect(ids).toEqual(allIds);
    expect(cursors.at(-1)).toBeNull();
    expect(new Set(cursors).size).toBe(10);
    expect((await get(withParam(server.collection('items').url, 'cursor', 'not-a-cursor'))).status).toBe(400);
  });

  it('should put the cursor at a custom body path and read it from a custom parameter', async () => {
    const server = await serve({
      pagination: { type: 'cursor', cursorPath: 'meta.next_cursor', cursorParam: 'after' },
    });
    const ids = await walk(server.collection('items').url, (page, current) => {
      const next = (page.body as { meta: { next_cursor: string | null } }).meta.next_cursor;
      return next ? withParam(current, 'after', next) : undefined;
    });
    expect(ids).toEqual(allIds);
  });

  it('should page Stripe style with starting_after the last id and has_more', async () => {
    const server = await serve({ pagination: { type: 'starting_after' } });
    const ids = await walk(server.collection('items').url, (page, current) => {
      const body = page.body as { data: { id: number }[]; has_more: boolean };
      return body.has_more ? withParam(current, 'starting_after', String(body.data.at(-1)?.id)) : undefined;
    });
    expect(ids).toEqual(allIds);
    expect((await get(withParam(server.collection('items').url, 'starting_after', '999'))).status).toBe(400);
  });

  it('should send the cursor in a header that is absent on the last page, with a bare array body', async () => {
    const server = await serve({
      pagination: { type: 'header_cursor', header: 'x-next-cursor' },
      dataKey: null,
    });
    let lastHeader: string | null = '';
    const ids = await walk(
      server.collection('items').url,
      (page, current) => {
        lastHeader = page.headers.get('x-next-cursor');
        return lastHeader ? withParam(current, 'cursor', lastHeader) : undefined;
      },
      (body) => body as { id: number }[],
    );
    expect(ids).toEqual(allIds);
    expect(lastHeader).toBeNull();
  });

  it('should link the next page in the body, absolute by default, and end with null', async () => {
    const server = await serve({ pagination: { type: 'json_link' } });
    const links: unknown[] = [];
    const ids = await walk(`${server.collection('items').url}?status=open`, (page) => {
      const next = (page.body as { next: string | null }).next;
      links.push(next);
      return next ?? undefined;
    });
    expect(ids).toEqual(allIds);
    expect(links[0]).toBe(`${server.url}/v1/items?status=open&offset=10&limit=10`);
    expect(links.at(-1)).toBeNull();
  });

  it('should link @odata.nextLink relatively and end with an empty string or no key', async () => {
    for (const end of ['empty', 'missing'] as const) {
      const server = await serve({
        pagination: { type: 'json_link', nextKey: '@odata.nextLink', relative: true, end },
        dataKey: 'value',
      });
      let last: Record<string, unknown> = {};
      const ids = await walk(
        server.collection('items').url,
        (page) => {
          last = page.body as Record<string, unknown>;
          const next = last['@odata.nextLink'] as string | undefined;
          if (next) expect(next).toMatch(/^\/v1\/items\?offset=\d+&limit=10$/);
          return next ? `${server.url}${next}` : undefined;
        },
        (body) => (body as { value: { id: number }[] }).value,
      );
      expect(ids).toEqual(allIds);
      if (end === 'empty') expect(last['@odata.nextLink']).toBe('');
      else expect(last).not.toHaveProperty('@odata.nextLink');
    }
  });

  it('should send an RFC 8288 Link header with first, prev, next and last, and no next on the last page', async () => {
    const server = await serve({ pagination: { type: 'header_link' } });
    const headers: string[] = [];
    const ids = await walk(server.collection('items').url, (page) => {
      const link = page.headers.get('link') ?? '';
      headers.push(link);
      return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    });
    expect(ids).toEqual(allIds);
    expect(headers[1]).toContain('rel="prev"');
    expect(headers[0]).toContain(`<${server.url}/v1/items?page=10&limit=10>; rel="last"`);
    expect(headers.at(-1)).not.toContain('rel="next"');
  });

  it('should point links at another origin when told to, without the API key parameter', async () => {
    const server = await serve({
      pagination: { type: 'json_link', origin: 'http://other.example' },
      auth: { type: 'api_key', value: 'key-123456' },
    });
    const page = await get(`${server.collection('items').url}?api_key=key-123456`);
    expect((page.body as { next: string }).next).toBe('http://other.example/v1/items?offset=10&limit=10');
  });

  it('should serve every record in one response for single_page', async () => {
    const server = await serve({ pagination: { type: 'single_page' } });
    const page = await get(server.collection('items').url);
    expect((page.body as { data: unknown[] }).data).toHaveLength(95);
  });

  it('should cap the page size at maxPageSize whatever the client asks', async () => {
    const server = await serve({ pagination: { type: 'offset' }, maxPageSize: 7 });
    const page = await get(`${server.collection('items').url}?limit=50`);
    expect((page.body as { data: unknown[] }).data).toHaveLength(7);
  });

  it('should reject options that cannot work, listing each', async () => {
    await expect(
      startTestServer({
        collections: {
          items: { pagination: { type: 'cursor' }, dataKey: null, auth: { type: 'oauth2' } },
          other: { path: '/v1/items' },
        },
      }),
    ).rejects.toMatchObject({
      issues: [
        { path: 'collections.items.dataKey' },
        { path: 'collections.items.auth' },
        { path: 'collections.other.path' },
      ],
    });
  });
});
