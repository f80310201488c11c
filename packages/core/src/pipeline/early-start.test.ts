import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rangePaginator } from '../adapter-utils/range-paginator';
import type { Destination, LeaseAttempt, LeaseHolder } from '../contracts/destination';
import type { Source } from '../contracts/source';
import { DestinationError, RunCancelledError } from '../errors';
import type { RestsyncEvent } from '../events';
import { sendJson, serveForEachTest, type TestServer } from '../http/__fixtures__/test-server';
import { restApiSource } from '../source/rest-api-source';
import { createMemoryStore, type MemoryStore, memoryDestination } from './__fixtures__/memory-destination';
import { pipeline } from './pipeline';

const serve = serveForEachTest();

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

interface ItemsApiOptions {
  count: number;
  /** Answers a request for this offset with this status instead of its records. */
  failAt?: (offset: number) => number | undefined;
  /** Leaves a request for this offset unanswered (the client must give it up). */
  holdAt?: (offset: number) => boolean;
}

/**
 * `GET /items?offset=&limit=`: `{ data, total }` over `count` records `{ id, name }`. `version`
 * goes into every name and can change between requests, as an API's data does.
 */
async function itemsApi(options: ItemsApiOptions) {
  const state = { version: 1 };
  // Each request left unanswered, resolved when its connection closes.
  const held: { offset: number; closed: Promise<void> }[] = [];
  const waiters: { run: string; resolve: () => void }[] = [];
  const server: TestServer = await serve((_request, response, recorded) => {
    for (const waiter of waiters.filter((entry) => entry.run === recorded.headers['x-run'])) waiter.resolve();
    const query = new URL(recorded.url, 'http://api.test').searchParams;
    const offset = Number(query.get('offset'));
    const limit = Number(query.get('limit'));
    const status = options.failAt?.(offset);
    if (status !== undefined) {
      sendJson(response, status, { error: `failed with ${status}` });
      return;
    }
    if (options.holdAt?.(offset)) {
      held.push({ offset, closed: closed(response) });
      return;
    }
    const size = Math.max(0, Math.min(limit, options.count - offset));
    const ids = Array.from({ length: size }, (_, index) => offset + index + 1);
    sendJson(response, 200, {
      data: ids.map((id) => ({ id, name: `item-${id}-v${state.version}` })),
      total: options.count,
    });
  });
  /**
   * The offsets requested, sorted (pages requested ahead arrive in any order): from the `from`th
   * request on, or only those sent with `x-run: <run>`.
   */
  const offsets = (filter: { from?: number; run?: string } = {}) =>
    server.requests
      .slice(filter.from ?? 0)
      .filter((request) => filter.run === undefined || request.headers['x-run'] === filter.run)
      .map((request) => Number(new URL(request.url, 'http://api.test').searchParams.get('offset')))
      .sort((left, right) => left - right);
  /** Resolves once the API received a request of `run` (see `itemsSource`). */
  const receivedFrom = (run: string) =>
    server.requests.some((request) => request.headers['x-run'] === run)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ run, resolve }));
  return { server, state, held, offsets, receivedFrom };
}

function closed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => response.on('close', () => resolve()));
}

/** Offset paging with the API's total, so up to 4 pages ahead are requested at once (paginate's default). */
function offsetPaging(limit: number) {
  return rangePaginator({
    type: 'offset',
    position: 'offset',
    target: { query: 'offset' },
    constants: [{ target: { query: 'limit' }, value: limit }],
    start: 0,
    step: limit,
    unit: 'records',
    pageSize: limit,
    totalPath: 'total',
  });
}

/** The requests paginate keeps in flight beyond the page being read, with a known total. */
const pagesSentAhead = 4;

/**
 * One `append` resource: a row loaded twice is stored twice. Its requests carry `x-run: <run>`, to
 * tell apart the requests of two runs.
 */
function itemsSource(
  origin: string,
  pageSize: number,
  options: { retry?: { maxRetries: number; initialDelayMs?: number }; run?: string } = {},
): Source {
  return restApiSource({
    client: {
      baseUrl: origin,
      retry: options.retry ?? { maxRetries: 0 },
      headers: { 'x-run': options.run ?? '1' },
    },
    resources: [
      {
        name: 'items',
        writeDisposition: 'append',
        endpoint: { path: 'items', dataSelector: 'data', paginator: offsetPaging(pageSize) },
      },
    ],
  });
}

/** The other run holding the lease while this one waits. */
const otherHolder: LeaseHolder = {
  owner: { host: 'worker-7', pid: 4242, runId: 'load-other', startedAt: '2024-05-01T10:00:00.000Z' },
  version: 1,
  expiresAt: '2999-01-01T00:00:00.000Z',
};

interface OpeningOptions {
  store?: MemoryStore;
  /** Destination steps and source events, in the order they happen. */
  trace?: string[];
  /** Another run holds the lease until `freeLease()`. */
  leaseHeld?: boolean;
  /** `capabilities.slowOpen`. @default true */
  slowOpen?: boolean;
}

/**
 * The in-memory destination whose `open()` waits until the test calls `open()` (or `failOpen()`), as
 * a database that takes its time to connect; optionally with a lease another run holds.
 */
function slowDestination(options: OpeningOptions = {}) {
  const inner = memoryDestination(options.store ? { store: options.store } : {});
  const trace = options.trace ?? [];
  const gate = deferred();
  const opening = deferred();
  let holder: LeaseHolder | undefined = options.leaseHeld ? otherHolder : undefined;
  const acquireLease = async (): Promise<LeaseAttempt> => {
    if (holder) return { acquired: false, holder };
    return {
      acquired: true,
      lease: {
        version: 2,
        expiresAt: '2999-01-01T00:00:00.000Z',
        renew: async () => undefined,
        release: async () => undefined,
      },
    };
  };
  const destination: Destination = {
    ...inner,
    capabilities: { ...inner.capabilities, slowOpen: options.slowOpen ?? true },
    open: async (target) => {
      trace.push('open:start');
      opening.resolve();
      await gate.promise;
      trace.push('open:end');
      const session = await inner.open(target);
      return {
        ...session,
        ...(options.leaseHeld === undefined ? {} : { acquireLease }),
        startLoad: async (load) => {
          trace.push('startLoad');
          await session.startLoad(load);
        },
      };
    },
  };
  return {
    destination,
    store: inner.store,
    /** Resolves once the run called `open()`. */
    opening: opening.promise,
    open: () => gate.resolve(),
    failOpen: (error: Error) => gate.reject(error),
    freeLease: () => {
      holder = undefined;
    },
  };
}

/** The rows of `items`: how many, how many distinct ids, and their names. */
function loaded(store: MemoryStore) {
  const rows = [...(store.tables.get('items')?.values() ?? [])];
  return {
    count: rows.length,
    distinct: new Set(rows.map((row) => row.id)).size,
    names: rows.map((row) => String(row.name)),
  };
}

function pageEvents(events: RestsyncEvent[]) {
  return events.flatMap((event) => (event.type === 'page' ? [event] : []));
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.ceil((to - from) / step) }, (_, index) => from + index * step);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * Gives a read-ahead that would not stop the time to send more requests. It orders nothing: a
 * bounded read-ahead passes however long it is.
 */
function overrunWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 150));
}

describe('pipeline.run with a source that starts early', () => {
  it('should request pages while the destination opens, then load every row once with its events in order', async () => {
    const api = await itemsApi({ count: 95 });
    const trace: string[] = [];
    const events: RestsyncEvent[] = [];
    const target = slowDestination({ trace });
    const run = pipeline({
      name: 'test',
      destination: target.destination,
      batchSize: 30,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'page' || event.type === 'request') trace.push(event.type);
      },
    }).run(itemsSource(api.server.origin, 10));

    await target.opening;
    await api.server.received(2);
    expect(trace).toEqual(['open:start']);
    target.open();
    const result = await run;

    expect(result.status).toBe('succeeded');
    expect(loaded(target.store)).toMatchObject({ count: 95, distinct: 95 });
    expect(api.offsets()).toEqual(range(0, 95, 10));
    // What the source reported while the destination opened reaches listeners once the load started.
    expect(trace.slice(0, trace.indexOf('startLoad') + 1)).toEqual(['open:start', 'open:end', 'startLoad']);
    const pages = pageEvents(events);
    expect(pages.map((event) => event.index)).toEqual(range(0, 10));
    expect(new Set(pages.map((event) => event.url)).size).toBe(10);
    expect(result.resources.items).toEqual({ rows: 95, pages: 10 });
  });

  it('should send no request before a destination that opens quickly (no slowOpen) is open', async () => {
    const api = await itemsApi({ count: 25 });
    const trace: string[] = [];
    const target = slowDestination({ trace, slowOpen: false });
    const run = pipeline({ name: 'test', destination: target.destination, batchSize: 30 }).run(
      itemsSource(api.server.origin, 10),
    );

    await target.opening;
    await overrunWindow();
    expect(api.offsets()).toEqual([]);
    target.open();
    expect((await run).status).toBe('succeeded');
    expect(api.offsets()).toEqual(range(0, 25, 10));
  });

  it('should read no more than four batches ahead (plus the pages in flight) while the destination opens', async () => {
    const count = 500;
    const pageSize = 10;
    const batchSize = 25;
    const readAhead = 4 * batchSize;
    const api = await itemsApi({ count });
    const target = slowDestination();
    const run = pipeline({ name: 'test', destination: target.destination, batchSize }).run(
      itemsSource(api.server.origin, pageSize),
    );

    // Ten pages fill the read-ahead (four batches of 25); the tenth had paginate send the next four.
    await api.server.received(readAhead / pageSize + pagesSentAhead);
    await overrunWindow();
    const requestedRecords = api.server.requests.length * pageSize;
    // The read-ahead stops once it holds four batches (100), whose last page may pass it by up to a
    // page, and paginate has up to 4 more pages in flight: 100 + (1 + 4) * 10 = 150 of the 500 records.
    expect(requestedRecords).toBeLessThanOrEqual(readAhead + (1 + pagesSentAhead) * pageSize);
    target.open();
    const result = await run;

    expect(result.status).toBe('succeeded');
    expect(loaded(target.store)).toMatchObject({ count, distinct: count });
    expect(api.offsets()).toEqual(range(0, count, pageSize));
  });

  it('should drop the pages read ahead and resume from the checkpoint of an interrupted run', async () => {
    const store = createMemoryStore();
    let failing = true;
    const api = await itemsApi({
      count: 95,
      failAt: (offset) => (failing && offset === 30 ? 500 : undefined),
    });
    // The first run commits 30 rows with the checkpoint after them, then fails on the API.
    const first = pipeline({ name: 'test', destination: memoryDestination({ store }), batchSize: 30 });
    await expect(first.run(itemsSource(api.server.origin, 10))).rejects.toThrow(/500/);
    expect(store.states.get('items')).toMatchObject({ status: 'in_progress', checkpoint: { offset: 30 } });
    expect(loaded(store).count).toBe(30);
    failing = false;

    const events: RestsyncEvent[] = [];
    const target = slowDestination({ store });
    const run = pipeline({
      name: 'test',
      destination: target.destination,
      batchSize: 30,
      onEvent: (event) => events.push(event),
    }).run(itemsSource(api.server.origin, 10, { run: '2' }));
    // The read-ahead started from scratch while the destination opened.
    await api.receivedFrom('2');
    target.open();
    const result = await run;

    expect(result.status).toBe('succeeded');
    // Offset 0 only for the read-ahead: the run itself started at the checkpoint.
    expect(api.offsets({ run: '2' }).filter((offset) => offset === 0)).toHaveLength(1);
    expect(loaded(store)).toMatchObject({ count: 95, distinct: 95 });
    expect(result.tables.items).toBe(65);
    expect(events).toContainEqual(expect.objectContaining({ type: 'resume', resource: 'items' }));
    // Only the resumed sequence's pages are reported: offsets 30 to 90, each index once.
    const pages = pageEvents(events);
    expect(pages.map((event) => new URL(event.url).searchParams.get('offset'))).toEqual(
      range(30, 95, 10).map(String),
    );
    expect(pages.map((event) => event.index)).toEqual(range(0, 7));
  });

  it('should fetch again after waiting for the lease, and load the data as it is after the wait', async () => {
    const api = await itemsApi({ count: 45 });
    const events: RestsyncEvent[] = [];
    const target = slowDestination({ leaseHeld: true });
    let requestsBeforeRelease = 0;
    const run = pipeline({
      name: 'test',
      destination: target.destination,
      batchSize: 20,
      lockTimeoutMs: 60_000,
      onEvent: (event) => {
        events.push(event);
        if (event.type !== 'lease_wait') return;
        // While this run waits, the other run finishes and the API's data changes.
        requestsBeforeRelease = api.server.requests.length;
        api.state.version = 2;
        target.freeLease();
      },
    }).run(itemsSource(api.server.origin, 10));
    // Pages of version 1 were read ahead before the run found the lease taken.
    await api.server.received(2);
    target.open();
    const result = await run;

    expect(result.status).toBe('succeeded');
    expect(events.filter((event) => event.type === 'lease_wait')).toHaveLength(1);
    expect(requestsBeforeRelease).toBeGreaterThanOrEqual(2);
    const table = loaded(target.store);
    expect(table).toMatchObject({ count: 45, distinct: 45 });
    expect(table.names.filter((name) => !name.endsWith('-v2'))).toEqual([]);
    // The run asked for the first page again once it held the lease.
    expect(api.offsets().filter((offset) => offset === 0)).toHaveLength(2);
    expect(api.offsets({ from: requestsBeforeRelease })).toContain(0);
    expect(pageEvents(events).map((event) => event.index)).toEqual(range(0, 5));
  });

  it("should reject with the destination's error when it fails to open, and stop the requests read ahead", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // The first page answers; the pages after it hang until the client gives them up.
      const api = await itemsApi({ count: 1_000, holdAt: (offset) => offset > 0 });
      const target = slowDestination();
      const run = pipeline({ name: 'test', destination: target.destination }).run(
        itemsSource(api.server.origin, 10),
      );
      await api.server.received(1 + pagesSentAhead);
      const failure = new DestinationError('connection refused by the database');
      target.failOpen(failure);

      const error = await rejection(run);

      expect(error).toBe(failure);
      await Promise.all(api.held.map((request) => request.closed));
      const requested = api.server.requests.length;
      await overrunWindow();
      expect(api.server.requests.length).toBe(requested);
      expect(target.store.loads.size).toBe(0);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([
    { status: 401, retry: { maxRetries: 0 } },
    { status: 500, retry: { maxRetries: 1, initialDelayMs: 0 } },
  ])(
    'should fail the run with the API error ($status) of the read-ahead once the destination is open',
    async ({ status, retry }) => {
      const api = await itemsApi({ count: 95, failAt: (offset) => (offset === 0 ? status : undefined) });
      const target = slowDestination();
      let settled = false;
      const run = pipeline({ name: 'test', destination: target.destination }).run(
        itemsSource(api.server.origin, 10, { retry }),
      );
      const markSettled = () => {
        settled = true;
      };
      run.then(markSettled, markSettled);
      await api.server.received(retry.maxRetries + 1);
      await overrunWindow();
      // The read-ahead failed while the destination opened: the run waits for it all the same.
      expect(settled).toBe(false);
      target.open();
      const error = (await rejection(run)) as Error;

      // The same error as when the pages are fetched after the destination opened.
      const store = createMemoryStore();
      const afterOpen = await rejection(
        pipeline({ name: 'test', destination: memoryDestination({ store }) }).run({
          ...itemsSource(api.server.origin, 10, { retry }),
          earlyStart: false,
        }),
      );
      expect(error).toBeInstanceOf(Error);
      expect(error.constructor).toBe((afterOpen as Error).constructor);
      expect(error.message).toBe((afterOpen as Error).message);
      expect(error.message).toContain('items');
      expect(error.message).toContain(String(status));
      const [load] = [...target.store.loads.values()];
      expect(load).toMatchObject({ status: 'failed', error: error.message });
      expect(target.store.batches).toEqual([]);
    },
  );

  it('should end as cancelled with nothing loaded and no request running when cancelled while the destination opens', async () => {
    const api = await itemsApi({ count: 1_000, holdAt: (offset) => offset > 0 });
    const target = slowDestination();
    const controller = new AbortController();
    const run = pipeline({ name: 'test', destination: target.destination }).run(
      itemsSource(api.server.origin, 10),
      { signal: controller.signal },
    );
    await api.server.received(1 + pagesSentAhead);

    controller.abort();
    await Promise.all(api.held.map((request) => request.closed));
    target.open();
    const error = await rejection(run);

    expect(RunCancelledError.isInstance(error)).toBe(true);
    expect((error as RunCancelledError).result).toMatchObject({ status: 'cancelled', batches: 0 });
    expect(target.store.batches).toEqual([]);
    expect(loaded(target.store).count).toBe(0);
    expect([...target.store.loads.values()][0]).toMatchObject({ status: 'cancelled' });
    expect(api.server.requests).toHaveLength(1 + pagesSentAhead);
  });
});

describe('restApiSource earlyStart', () => {
  const baseUrl = 'http://api.test';

  it('should be true when every resource reads with GET and keeps no cursor', () => {
    const source = restApiSource({
      client: { baseUrl },
      resources: [
        'plain',
        { name: 'explicit', endpoint: { path: 'explicit', method: 'get', params: { limit: 10 } } },
        { name: 'children', endpoint: { path: 'plain/{resources.plain.id}/children' } },
      ],
    });
    expect(source.earlyStart).toBe(true);
  });

  it('should be false when a resource has an incremental cursor', () => {
    const source = restApiSource({
      client: { baseUrl },
      resources: [
        'plain',
        {
          name: 'changes',
          endpoint: {
            path: 'changes',
            params: { since: '{incremental.start_value}' },
            incremental: { cursorPath: 'updated_at', initialValue: '2024-01-01T00:00:00Z' },
          },
        },
      ],
    });
    expect(source.earlyStart).toBe(false);
  });

  it('should be false when a resource sends a POST, even one that is not selected', () => {
    const post = (selected: boolean) =>
      restApiSource({
        client: { baseUrl },
        resources: [
          'plain',
          { name: 'search', selected, endpoint: { path: 'search', method: 'POST', json: { query: 'all' } } },
        ],
      });
    expect(post(true).earlyStart).toBe(false);
    expect(post(false).earlyStart).toBe(false);
  });

  it('should be false with a rate limit or a circuit breaker, which a dropped early start would not share with the run', () => {
    const client = (extra: Record<string, unknown>) =>
      restApiSource({ client: { baseUrl, ...extra }, resources: ['plain'] }).earlyStart;
    expect(client({ rateLimit: { requestsPerSecond: 2 } })).toBe(false);
    expect(client({ circuitBreaker: { consecutiveFailures: 3 } })).toBe(false);
    const resourceLimited = restApiSource({
      client: { baseUrl },
      resources: ['plain', { name: 'slow', rateLimit: { requestsPerSecond: 1 }, endpoint: { path: 'slow' } }],
    });
    expect(resourceLimited.earlyStart).toBe(false);
  });
});
