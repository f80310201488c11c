import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import type { RestsyncEvent } from '../events';
import { createMemoryStore, memoryDestination } from '../pipeline/__fixtures__/memory-destination';
import { pipeline } from '../pipeline/pipeline';
import { pages } from '../source/__fixtures__/test-adapters';
import { restApiSource } from '../source/rest-api-source';
import { namedConversions } from './cursor-values';

interface Issue {
  id: number;
  title: string;
  updated_at: string;
}

const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString();

/** A GitHub-like API: `?since=` (inclusive) on updated_at, ascending, `?page=` of `size`. */
function fakeApi(size = 3) {
  const issues: Issue[] = Array.from({ length: 10 }, (_, index) => ({
    id: index + 1,
    title: `issue ${index + 1}`,
    updated_at: at(index),
  }));
  const comments = new Map<number, { id: number; issue: number; updated_at: string }[]>();
  const requests: URL[] = [];
  let failAt: number | undefined;
  const respond = (records: unknown[], url: URL) => {
    const page = Number(url.searchParams.get('page') ?? 1);
    return new Response(JSON.stringify(records.slice((page - 1) * size, page * size)), {
      headers: { 'content-type': 'application/json' },
    });
  };
  const fetch = async (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    requests.push(url);
    if (failAt !== undefined && requests.length === failAt) return new Response('boom', { status: 400 });
    const since = url.searchParams.get('since');
    const until = url.searchParams.get('until');
    const inRange = (record: { updated_at: string }) =>
      (since === null || record.updated_at >= since) && (until === null || record.updated_at < until);
    const child = /\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (child) return respond((comments.get(Number(child[1])) ?? []).filter(inRange), url);
    const sorted = [...issues].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id);
    return respond(sorted.filter(inRange), url);
  };
  return {
    issues,
    comments,
    requests,
    fetch: fetch as typeof globalThis.fetch,
    failAtRequest(number: number | undefined) {
      failAt = number === undefined ? undefined : requests.length + number;
    },
  };
}

const issuesResource = (incremental: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'issues',
  primary_key: 'id',
  write_disposition: 'merge' as const,
  endpoint: {
    path: 'issues',
    paginator: pages({ size: 3 }),
    params: { since: '{incremental.start_value}' },
    incremental,
    ...extra,
  },
});

function source(api: { fetch: typeof globalThis.fetch }, resources: unknown[]) {
  return restApiSource({ client: { base_url: 'https://api.example.com' }, resources } as never, {
    fetch: api.fetch,
  });
}

describe('incremental loading through the pipeline', () => {
  it("should load only what changed with dlt's GitHub-style config, and keep the cursor in state", async () => {
    const api = fakeApi();
    const destination = memoryDestination();
    const run = () =>
      pipeline({ name: 'gh', destination }).run(
        source(api, [issuesResource({ cursor_path: 'updated_at', initial_value: at(0) })]),
      );
    await run();
    expect(destination.store.tables.get('issues')?.size).toBe(10);
    expect(destination.store.states.get('issues')?.incremental?.cursors['']).toMatchObject({
      cursorPath: 'updated_at',
      lastValue: at(9),
    });
    expect(destination.store.states.get('issues')?.incremental?.cursors['']?.runStart).toBeUndefined();

    api.issues[2] = { id: 3, title: 'changed', updated_at: at(20) };
    api.issues.push({ id: 11, title: 'new', updated_at: at(21) });
    const before = api.requests.length;
    const result = await run();
    const second = api.requests.slice(before);
    expect(second[0]?.searchParams.get('since')).toBe(at(9));
    // Issue 10 (the boundary row) and the two changes fill one page; the next one is empty.
    expect(second).toHaveLength(2);
    expect(result.resources.issues?.rows).toBe(2);
    expect(destination.store.tables.get('issues')?.size).toBe(11);
    expect(destination.store.tables.get('issues')?.get('[3]')).toMatchObject({ title: 'changed' });
  });

  it('should lose and double no boundary row when several records share the start timestamp', async () => {
    const api = fakeApi();
    for (const issue of api.issues) issue.updated_at = issue.id <= 4 ? at(0) : at(1);
    const destination = memoryDestination();
    const make = () =>
      source(api, [
        {
          ...issuesResource({ cursor_path: 'updated_at', initial_value: at(0) }),
          write_disposition: 'append',
        },
      ]);
    await pipeline({ name: 'b', destination }).run(make());
    expect(destination.store.tables.get('issues')?.size).toBe(10);
    // Three more records at the boundary timestamp of run 1's last value.
    api.issues.push(
      { id: 11, title: 'x', updated_at: at(1) },
      { id: 12, title: 'y', updated_at: at(1) },
      { id: 13, title: 'z', updated_at: at(2) },
    );
    const result = await pipeline({ name: 'b', destination }).run(make());
    expect(result.resources.issues?.rows).toBe(3);
    expect(destination.store.tables.get('issues')?.size).toBe(13);
  });

  it('should resume after a failure partway without missing a changed row, and never store a cursor past unwritten rows', async () => {
    const api = fakeApi();
    const store = createMemoryStore();
    const make = () => source(api, [issuesResource({ cursor_path: 'updated_at', initial_value: at(0) })]);
    await pipeline({ name: 'c', destination: memoryDestination({ store }) }).run(make());
    for (const id of [2, 5, 8]) {
      const issue = api.issues[id - 1] as Issue;
      issue.title = `changed ${id}`;
      issue.updated_at = at(30 + id);
    }
    for (let id = 11; id <= 17; id += 1) api.issues.push({ id, title: `new ${id}`, updated_at: at(40 + id) });
    // Run 2 fails on its third page, after two pages (one batch each) were written.
    api.failAtRequest(3);
    await expect(
      pipeline({ name: 'c', destination: memoryDestination({ store }), batchSize: 1 }).run(make()),
    ).rejects.toThrow();
    const interrupted = store.states.get('issues');
    expect(interrupted?.status).toBe('in_progress');
    expect(interrupted?.incremental?.cursors['']?.runStart?.value).toBe(at(9));
    api.failAtRequest(undefined);
    await pipeline({ name: 'c', destination: memoryDestination({ store }) }).run(make());
    const rows = store.tables.get('issues');
    expect(rows?.size).toBe(17);
    for (const id of [2, 5, 8]) expect(rows?.get(`[${id}]`)).toMatchObject({ title: `changed ${id}` });
    expect(store.states.get('issues')?.incremental?.cursors['']?.lastValue).toBe(at(57));
  });

  it('should keep one cursor per parent for a child resource', async () => {
    const api = fakeApi();
    api.issues.splice(2);
    api.comments.set(1, [{ id: 100, issue: 1, updated_at: at(5) }]);
    api.comments.set(2, [{ id: 200, issue: 2, updated_at: at(7) }]);
    const destination = memoryDestination();
    const make = () =>
      source(api, [
        { name: 'issues', primary_key: 'id', write_disposition: 'merge', endpoint: 'issues' },
        {
          name: 'comments',
          primary_key: 'id',
          write_disposition: 'merge',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at' },
          },
        },
      ]);
    await pipeline({ name: 'p', destination }).run(make());
    expect(destination.store.states.get('comments')?.incremental?.cursors).toMatchObject({
      'id=1': { lastValue: at(5) },
      'id=2': { lastValue: at(7) },
    });
    api.comments.get(1)?.push({ id: 101, issue: 1, updated_at: at(6) });
    const before = api.requests.length;
    const result = await pipeline({ name: 'p', destination }).run(make());
    const since = api.requests
      .slice(before)
      .filter((url) => url.pathname.endsWith('comments'))
      .map((url) => [url.pathname, url.searchParams.get('since')]);
    expect(since).toEqual([
      ['/issues/1/comments', at(5)],
      ['/issues/2/comments', at(7)],
    ]);
    // Comment 101 is new under issue 1 only; the boundary comments 100 and 200 are not loaded again.
    expect(result.resources.comments?.rows).toBe(1);
    expect(destination.store.tables.get('comments')?.size).toBe(3);
  });

  it('should leave the stored cursor unchanged on an end_value backfill', async () => {
    const api = fakeApi();
    const destination = memoryDestination();
    await pipeline({ name: 'e', destination }).run(
      source(api, [issuesResource({ cursor_path: 'updated_at', initial_value: at(5) })]),
    );
    const stored = destination.store.states.get('issues')?.incremental;
    const before = api.requests.length;
    const result = await pipeline({ name: 'e', destination }).run(
      source(api, [
        issuesResource(
          { cursor_path: 'updated_at', initial_value: at(0), end_value: at(3) },
          { params: { since: '{incremental.start_value}', until: '{incremental.end_value}' } },
        ),
      ]),
    );
    expect(api.requests[before]?.searchParams.get('since')).toBe(at(0));
    expect(api.requests[before]?.searchParams.get('until')).toBe(at(3));
    expect(result.resources.issues?.rows).toBe(3);
    expect(destination.store.states.get('issues')?.incremental).toEqual(stored);
  });

  it('should ignore the stored cursor with fullRefresh and store the new one', async () => {
    const api = fakeApi();
    const destination = memoryDestination();
    const make = () => source(api, [issuesResource({ cursor_path: 'updated_at', initial_value: at(0) })]);
    await pipeline({ name: 'f', destination }).run(make());
    const before = api.requests.length;
    const result = await pipeline({ name: 'f', destination }).run(make(), { fullRefresh: true });
    expect(api.requests[before]?.searchParams.get('since')).toBe(at(0));
    expect(result.resources.issues?.rows).toBe(10);
    expect(destination.store.states.get('issues')?.incremental?.cursors['']?.lastValue).toBe(at(9));
  });

  it('should filter client-side and stop paging with row_order once rows leave the range', async () => {
    const api = fakeApi();
    const destination = memoryDestination();
    const result = await pipeline({ name: 'o', destination }).run(
      source(api, [
        issuesResource(
          { cursor_path: 'updated_at', initial_value: at(0), end_value: at(4), row_order: 'asc' },
          { params: {} },
        ),
      ]),
    );
    // The API ignores the range; page 2 holds at(4), past the end: no third page.
    expect(api.requests).toHaveLength(2);
    expect(result.resources.issues?.rows).toBe(4);
  });

  it('should not stop paging a child resource with row_order (top-level resources only, as in dlt)', async () => {
    const api = fakeApi();
    api.issues.splice(1);
    api.comments.set(1, [
      { id: 101, issue: 1, updated_at: at(1) },
      { id: 102, issue: 1, updated_at: at(2) },
      { id: 103, issue: 1, updated_at: at(4) },
      { id: 104, issue: 1, updated_at: at(5) },
    ]);
    const result = await pipeline({ name: 'child_order', destination: memoryDestination() }).run(
      source(api, [
        { name: 'issues', primary_key: 'id', endpoint: { path: 'issues', paginator: pages({ size: 3 }) } },
        {
          name: 'comments',
          primary_key: 'id',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            paginator: pages({ size: 3 }),
            incremental: {
              cursor_path: 'updated_at',
              initial_value: at(0),
              end_value: at(3),
              row_order: 'asc',
            },
          },
        },
      ]),
    );
    // The first page already holds a comment past end_value; the second page is still read.
    expect(api.requests.filter((url) => url.pathname === '/issues/1/comments')).toHaveLength(2);
    expect(result.resources.comments?.rows).toBe(2);
  });

  it('should run the deprecated start_param and param-level forms with a notice showing the modern form', async () => {
    const api = fakeApi();
    const events: RestsyncEvent[] = [];
    const destination = memoryDestination();
    await pipeline({ name: 'd', destination, onEvent: (event) => events.push(event) }).run(
      source(api, [
        issuesResource(
          { cursor_path: 'updated_at', initial_value: at(8), start_param: 'since' },
          { params: {} },
        ),
      ]),
    );
    expect(api.requests[0]?.searchParams.get('since')).toBe(at(8));
    const warnings = events.flatMap((event) =>
      event.type === 'log' && event.level === 'warn' && event.message.includes('deprecated')
        ? [event.message]
        : [],
    );
    expect(warnings[0]).toContain('start_param/end_param, which are deprecated');
    expect(warnings[0]).toContain('"params":{"since":"{incremental.start_value}"}');

    const paramLevel = source(api, [
      issuesResource(
        { cursor_path: 'updated_at' },
        {
          incremental: undefined,
          params: { since: { type: 'incremental', cursor_path: 'updated_at', initial_value: at(9) } },
        },
      ),
    ]);
    expect(paramLevel.warnings?.[0]).toContain('param-level incremental, which is deprecated');
  });

  it("should apply dlt's validation: one incremental per endpoint, end_value refused at param level and requiring initial_value", () => {
    const api = fakeApi();
    const issues = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        return ConfigError.isInstance(error)
          ? error.issues.map((issue) => `${issue.path}: ${issue.message}`)
          : [];
      }
      return [];
    };
    expect(
      issues(() =>
        source(api, [
          issuesResource(
            { cursor_path: 'updated_at' },
            { params: { since: { type: 'incremental', cursor_path: 'updated_at' } } },
          ),
        ]),
      ),
    ).toEqual([expect.stringContaining('only one incremental per endpoint is allowed')]);
    expect(
      issues(() =>
        source(api, [
          issuesResource(
            { cursor_path: 'updated_at' },
            {
              incremental: undefined,
              params: { since: { type: 'incremental', cursor_path: 'updated_at', end_value: 'x' } },
            },
          ),
        ]),
      ),
    ).toEqual([expect.stringContaining('end_value is not allowed in a param-level incremental')]);
    expect(
      issues(() => source(api, [issuesResource({ cursor_path: 'updated_at', end_value: at(3) })])),
    ).toEqual(['resources[0].endpoint.incremental.end_value: end_value requires initial_value']);
    expect(
      issues(() => source(api, [issuesResource({ cursor_path: 'updated_at' }, { incremental: undefined })])),
    ).toEqual([expect.stringContaining('{incremental.start_value} needs an incremental')]);
  });

  it('should fill the {incremental.*} placeholders in the path, params, JSON body and headers, converted by name', async () => {
    const api = capturingApi([{ id: 1, updated_at: '2024-01-02T00:00:00Z' }]);
    await pipeline({ name: 'placeholders', destination: memoryDestination() }).run(
      restApiSource(
        {
          client: { base_url: 'https://api.example.com' },
          resources: [
            {
              name: 'issues',
              primary_key: 'id',
              endpoint: {
                path: 'issues/after/{incremental.start_value}',
                method: 'POST',
                paginator: pages({ size: 3 }),
                params: {
                  since: '{incremental.start_value}',
                  first: '{incremental.initial_value}',
                  last: '{incremental.last_value}',
                  until: '{incremental.end_value}',
                },
                json: { from: '{incremental.start_value}', query: 'updated before {incremental.end_value}' },
                headers: { 'x-since': '{incremental.start_value}' },
                incremental: {
                  cursor_path: 'updated_at',
                  initial_value: '2024-01-01T00:00:00Z',
                  end_value: '2024-01-03T00:00:00Z',
                  convert: 'epoch_seconds',
                },
              },
            },
          ],
        } as never,
        { fetch: api.fetch },
      ),
    );
    const [request] = api.requests;
    expect(request?.url.pathname).toBe('/issues/after/1704067200');
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      since: '1704067200',
      first: '1704067200',
      last: '1704067200',
      until: '1704240000',
      page: '1',
    });
    // A sole placeholder in the JSON body keeps its type, as in dlt.
    expect(JSON.parse(request?.body ?? '')).toEqual({ from: 1704067200, query: 'updated before 1704240000' });
    expect(request?.headers.get('x-since')).toBe('1704067200');
  });

  it('should convert the start and end params of the deprecated form with a function or a named conversion', async () => {
    // dlt's test_posts_with_incremental_date_conversion: epoch seconds "1" and "86401" as dates.
    for (const convert of ['date', (value: unknown) => namedConversions.date(value)]) {
      const api = capturingApi();
      const events: RestsyncEvent[] = [];
      await pipeline({
        name: 'convert',
        destination: memoryDestination(),
        onEvent: (event) => events.push(event),
      }).run(
        source(api, [
          issuesResource(
            {
              cursor_path: 'updated_at',
              initial_value: '1',
              end_value: '86401',
              start_param: 'since',
              end_param: 'until',
              convert,
            },
            { params: {} },
          ),
        ]),
      );
      expect(api.requests[0]?.url.searchParams.get('since')).toBe('1970-01-01');
      expect(api.requests[0]?.url.searchParams.get('until')).toBe('1970-01-02');
      const notice = events.find((event) => event.type === 'log' && event.message.includes('deprecated'));
      expect(notice).toMatchObject({
        message: expect.stringContaining(
          '"params":{"since":"{incremental.start_value}","until":"{incremental.end_value}"}',
        ),
      });
    }
  });

  it('should send the start value in the param of the deprecated param-level form', async () => {
    const api = capturingApi();
    await pipeline({ name: 'param_level', destination: memoryDestination() }).run(
      source(api, [
        issuesResource(
          { cursor_path: 'updated_at' },
          {
            incremental: undefined,
            params: { since: { type: 'incremental', cursor_path: 'updated_at', initial_value: at(9) } },
          },
        ),
      ]),
    );
    expect(api.requests[0]?.url.searchParams.get('since')).toBe(at(9));
  });

  it('should leave out a param that is only a placeholder without a value (a first run without initial_value)', async () => {
    const api = capturingApi([{ id: 1, updated_at: at(3) }]);
    const destination = memoryDestination();
    const make = () => source(api, [issuesResource({ cursor_path: 'updated_at' })]);
    await pipeline({ name: 'no_initial', destination }).run(make());
    expect(api.requests[0]?.url.searchParams.has('since')).toBe(false);
    await pipeline({ name: 'no_initial', destination }).run(make());
    expect(api.requests[1]?.url.searchParams.get('since')).toBe(at(3));
  });

  it('should take a bigint initial_value in a code config and send it exactly', async () => {
    const requests: URL[] = [];
    const fetch = async (input: string | URL | Request) => {
      requests.push(new URL(input instanceof Request ? input.url : input));
      return new Response('[{"id":1,"sequence":9007199254740993},{"id":2,"sequence":9007199254740995}]', {
        headers: { 'content-type': 'application/json' },
      });
    };
    const destination = memoryDestination();
    const result = await pipeline({ name: 'big_initial', destination }).run(
      restApiSource(
        {
          client: { baseUrl: 'https://api.example.com' },
          resources: [
            {
              name: 'ledger',
              primaryKey: 'id',
              endpoint: {
                path: 'ledger',
                params: { from: '{incremental.start_value}' },
                incremental: { cursorPath: 'sequence', initialValue: 9_007_199_254_740_995n },
              },
            },
          ],
        },
        { fetch: fetch as typeof globalThis.fetch },
      ),
    );
    expect(requests[0]?.searchParams.get('from')).toBe('9007199254740995');
    // 9007199254740993 is before the start; as JS numbers the two would be equal.
    expect(result.resources.ledger?.rows).toBe(1);
    expect(destination.store.states.get('ledger')?.incremental?.cursors['']?.lastValue).toEqual({
      bigint: '9007199254740995',
    });
  });

  it('should refuse end_param at param level and an end_value before initial_value', () => {
    const api = fakeApi();
    const messages = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        if (ConfigError.isInstance(error))
          return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
      return [];
    };
    expect(
      messages(() =>
        source(api, [
          issuesResource(
            { cursor_path: 'updated_at' },
            {
              incremental: undefined,
              params: { since: { type: 'incremental', cursor_path: 'updated_at', end_param: 'until' } },
            },
          ),
        ]),
      ),
    ).toEqual([expect.stringContaining('end_param is not allowed in a param-level incremental')]);
    expect(
      messages(() =>
        source(api, [issuesResource({ cursor_path: 'updated_at', initial_value: at(5), end_value: at(3) })]),
      ),
    ).toEqual([
      'resources[0].endpoint.incremental.end_value: end_value must come after initial_value for last_value_func "max"',
    ]);
    expect(
      messages(() =>
        source(api, [
          issuesResource({
            cursor_path: 'updated_at',
            initial_value: at(3),
            end_value: at(5),
            last_value_func: 'min',
          }),
        ]),
      ),
    ).toEqual([
      'resources[0].endpoint.incremental.end_value: end_value must come after initial_value for last_value_func "min"',
    ]);
  });
});

interface CapturedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string;
}

/** An API that answers every request with `records` (one short page) and keeps what it received. */
function capturingApi(records: unknown[] = []) {
  const requests: CapturedRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push({
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    });
    return new Response(JSON.stringify(records), { headers: { 'content-type': 'application/json' } });
  };
  return { requests, fetch: fetch as typeof globalThis.fetch };
}
