import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAuth, hiddenQueryParams } from './auth-checks';
import { createDataset, type Dataset, type DatasetChangeResult, type DatasetChanges } from './dataset';
import { createFaultPlanner, type FaultKind, type FaultPlanner, faultKinds } from './faults';
import { createOAuth2Server, type OAuth2Server, type OAuth2Tokens } from './oauth2';
import { buildPageBody, planPage } from './pagination';
import { createRateLimitGate } from './rate-limit';
import type { ReferenceRecord } from './records';
import { resetConnection, sendError, sendJsonText, sendMalformed, sendTruncated } from './responses';
import type {
  CollectionOptions,
  LoggedRequest,
  RouteHandler,
  RouteReply,
  TestServerOptions,
} from './test-server-options';
import { validateTestServerOptions } from './validate-options';

/** Counters since the server started. */
export interface TestServerStats {
  /** Requests to collections (the numbers `script` refers to). */
  requests: number;
  /** Injected faults per kind. */
  faults: Record<FaultKind, number>;
  /** Successful (200) collection responses without a fault. */
  served: number;
  /** Records in those responses. */
  recordsServed: number;
  /** Collection requests refused with a 429 by the `rateLimit` option. */
  rateLimited: number;
}

/** One collection of a running server. */
export interface TestCollection {
  readonly name: string;
  /** Path of its pages, e.g. `/v1/items`. */
  readonly path: string;
  /** Absolute URL of its pages. */
  readonly url: string;
  /** Records it holds now (grows with `mutate`). */
  readonly count: number;
  /** Requests it has received. */
  readonly requests: number;
  /** The record it serves now for this id. */
  record(id: number): ReferenceRecord;
  /** Every record it serves now, in id order (what a full sync should end with). */
  records(): ReferenceRecord[];
  /** Appends `add` new records and changes `update` existing ones; their `updated_at` is later than any before. */
  mutate(changes: DatasetChanges): DatasetChangeResult;
}

/** A running test server; see `startTestServer`. */
export interface TestServer {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Every request received, in order (including ones still being answered). */
  readonly requests: readonly LoggedRequest[];
  /** Requests no route answered (a test usually expects none). */
  readonly unhandled: readonly LoggedRequest[];
  /** The token endpoint's counters and revocation; undefined without the `oauth2` option. */
  readonly oauth2: OAuth2Tokens | undefined;
  /** The generation every record is served at (see `setGeneration`). */
  readonly generation: number;
  /** Serves another generation from the next request on: every value changes, ids stay. */
  setGeneration(generation: number): void;
  /** A collection by name; throws for an unknown name. */
  collection(name: string): TestCollection;
  stats(): TestServerStats;
  /** Resolves once the server has received `count` requests in total. */
  received(count: number): Promise<void>;
  /** Stops listening and closes every open connection. Safe to call twice. */
  close(): Promise<void>;
}

interface CollectionState {
  name: string;
  path: string;
  options: CollectionOptions;
  dataset: Dataset;
  planner: FaultPlanner;
  requests: number;
}

/** Resolves true after `ms`, or false as soon as the client goes away. */
function waitUnlessClosed(ms: number, response: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses a `since`-style bound: an ISO date or timestamp, or epoch seconds. */
function parseInstant(text: string): number {
  return /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

/** Faults that still serve a page: late, or with `data` null or empty. */
const dataFaults = new Set<FaultKind>(['slow', 'null-data', 'empty-data']);

function errorBody(status: number, message: string): string {
  return JSON.stringify({ error: { status, title: status === 401 ? 'Unauthorized' : 'Not Found', message } });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Starts a test server on 127.0.0.1 and a random port. Each collection serves reference records
 * (`{ id, name, value, updated_at, nested: { a, b } }`, a pure function of id and generation) with
 * its own pagination style, credentials, incremental filter, latency and faults; `oauth2` adds a
 * client-credentials token endpoint; `routes` and `fallback` script anything else. Every request is
 * logged in `requests`.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  validateTestServerOptions(options);
  const oauth2: OAuth2Server | undefined = options.oauth2 ? createOAuth2Server(options.oauth2) : undefined;
  const serverPlanner = createFaultPlanner({ faults: options.faults, script: options.script });
  const retryAfterSeconds = options.faults?.retryAfterSeconds ?? options.retryAfterSeconds ?? 1;
  const slowMs = options.slowMs ?? 2000;
  let generation = options.generation ?? 1;
  const collections: CollectionState[] = Object.entries(options.collections ?? {}).map(
    ([name, collection]) => ({
      name,
      path: collection.path ?? `/v1/${name}`,
      options: collection,
      dataset: createDataset(collection.records ?? 1000, generation),
      planner: createFaultPlanner({ script: collection.script }),
      requests: 0,
    }),
  );
  const routes = new Map(Object.entries(options.routes ?? {}));
  const requests: LoggedRequest[] = [];
  const unhandled: LoggedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const faultCounts = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let collectionRequests = 0;
  let served = 0;
  let recordsServed = 0;
  let rateLimited = 0;
  const rateLimitGate = options.rateLimit ? createRateLimitGate(options.rateLimit) : undefined;
  let origin = '';

  const sendReply = async (response: ServerResponse, reply: RouteReply, retryAfter: number) => {
    if (reply.hang || !(await waitUnlessClosed(reply.delayMs ?? 0, response))) return;
    if (reply.fault !== undefined) {
      sendFault(response, reply.fault, retryAfter, () => reply.text ?? JSON.stringify(reply.body ?? {}));
      return;
    }
    const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    sendJsonText(response, reply.status ?? 200, text, reply.headers);
  };

  const sendFault = (response: ServerResponse, fault: FaultKind, retryAfter: number, body: () => string) => {
    switch (fault) {
      case '429':
        sendError(response, 429, 'Too many requests (injected fault): retry after the Retry-After delay.', {
          'retry-after': String(retryAfter),
        });
        return;
      case '401':
        sendError(response, 401, 'Unauthorized (injected fault).', {
          'www-authenticate': 'Bearer realm="test-server", error="invalid_token"',
        });
        return;
      case 'reset':
        resetConnection(response);
        return;
      case 'truncated':
        sendTruncated(response, body());
        return;
      case 'malformed':
        sendMalformed(response);
        return;
      default:
        sendError(response, Number(fault), `Injected fault ${fault}: retry the request.`);
    }
  };

  /** The reply to a page request: the page, or a 400 for a bad parameter. */
  const buildPage = (
    collection: CollectionState,
    request: LoggedRequest,
    data: 'records' | 'null' | 'empty',
  ): { status: number; body: string; headers: Record<string, string>; records: number } => {
    const settings = collection.options;
    const query = request.query;
    const badRequest = (message: string) => ({
      status: 400,
      body: JSON.stringify({
        error: { status: 400, title: 'Bad Request', message: `${message} (GET ${collection.path}).` },
      }),
      headers: {},
      records: 0,
    });
    const limitParam = settings.limitParam ?? 'limit';
    const limitText = query.get(limitParam);
    const requested = limitText === null || limitText === '' ? (settings.pageSize ?? 100) : Number(limitText);
    if (!Number.isSafeInteger(requested) || requested < 1) {
      return badRequest(`${limitParam} must be a positive integer, got "${limitText}"`);
    }
    const incremental = settings.incremental;
    const bounds: { sinceMs?: number; untilMs?: number } = {};
    let order = settings.order ?? 'id';
    if (incremental) {
      const params = [
        ['sinceMs', incremental.sinceParam ?? 'since'],
        ['untilMs', incremental.untilParam],
      ] as const;
      for (const [bound, name] of params) {
        const text = name === undefined ? null : query.get(name);
        if (text === null || text === '') continue;
        const instant = parseInstant(text);
        if (Number.isNaN(instant)) {
          return badRequest(`${name} must be an ISO 8601 timestamp or epoch seconds, got "${text}"`);
        }
        bounds[bound] = instant;
      }
      const requestedOrder = incremental.orderParam ? query.get(incremental.orderParam) : null;
      if (requestedOrder === 'asc' || requestedOrder === 'desc') order = requestedOrder;
    }
    const view = collection.dataset.view({ ...bounds, inclusive: incremental?.inclusive ?? true, order });
    const plan = planPage({
      pagination: settings.pagination ?? { type: 'offset' },
      view,
      query,
      limit: Math.min(requested, settings.maxPageSize ?? 1000),
      limitParam,
      url: new URL(request.url, origin),
      hiddenParams: hiddenQueryParams(settings.auth ?? options.auth),
    });
    if (typeof plan === 'string') return badRequest(plan);
    const records: string[] = [];
    if (data === 'records') {
      for (let index = plan.start; index < plan.end; index++) {
        records.push(collection.dataset.recordJson(view.idAt(index)));
      }
    }
    const dataKey = settings.dataKey === undefined ? 'data' : settings.dataKey;
    const body = buildPageBody(dataKey, data === 'null' ? null : records, plan.fields);
    return { status: 200, body, headers: plan.headers, records: records.length };
  };

  /** The reply to a collection request without a fault (or with a data or slow fault). */
  const buildCollectionReply = (
    collection: CollectionState,
    request: LoggedRequest,
    fault: FaultKind | undefined,
  ) => {
    const failure = checkAuth(
      collection.options.auth ?? options.auth,
      request.headers,
      request.query,
      oauth2,
    );
    if (failure) {
      return { status: 401, body: errorBody(401, failure.message), headers: failure.headers, records: 0 };
    }
    if (request.path === collection.path) {
      return buildPage(
        collection,
        request,
        fault === 'null-data' ? 'null' : fault === 'empty-data' ? 'empty' : 'records',
      );
    }
    const idText = request.path.slice(collection.path.length + 1);
    const id = /^\d+$/.test(idText) ? Number(idText) : 0;
    if (id < 1 || id > collection.dataset.count) {
      const message = `No record with id "${idText}": ids run from 1 to ${collection.dataset.count}.`;
      return { status: 404, body: errorBody(404, message), headers: {}, records: 0 };
    }
    return { status: 200, body: collection.dataset.recordJson(id), headers: {}, records: 1 };
  };

  const serveCollection = async (
    response: ServerResponse,
    collection: CollectionState,
    request: LoggedRequest,
  ) => {
    if (request.method !== 'GET' && collection.options.redirectTo === undefined) {
      sendError(response, 405, `${request.method} is not supported on ${request.path}: use GET.`, {
        allow: 'GET',
      });
      return;
    }
    if (rateLimitGate && !rateLimitGate.admit()) {
      rateLimited += 1;
      const limit = options.rateLimit?.requestsPerSecond;
      sendError(response, 429, `Rate limit exceeded: at most ${limit} requests per second.`, {
        'retry-after': String(options.rateLimit?.retryAfterSeconds ?? 1),
      });
      return;
    }
    collectionRequests += 1;
    collection.requests += 1;
    const ownFault = collection.planner.plan(collection.requests);
    const serverFault = serverPlanner.plan(collectionRequests);
    const fault = ownFault ?? serverFault;
    if (fault !== undefined) faultCounts[fault] += 1;
    const latency = collection.options.latencyMs;
    const delay = typeof latency === 'function' ? latency(collection.requests) : (latency ?? 0);
    if (!(await waitUnlessClosed(delay, response))) return;
    const redirectTo = collection.options.redirectTo;
    if (redirectTo !== undefined) {
      response.writeHead(302, { location: new URL(request.url, redirectTo).toString(), 'content-length': 0 });
      response.end();
      return;
    }
    if (fault === 'slow' && !(await waitUnlessClosed(slowMs, response))) return;
    if (fault !== undefined && !dataFaults.has(fault)) {
      sendFault(
        response,
        fault,
        retryAfterSeconds,
        () => buildCollectionReply(collection, request, undefined).body,
      );
      return;
    }
    const reply = buildCollectionReply(collection, request, fault);
    sendJsonText(response, reply.status, reply.body, reply.headers);
    if (reply.status === 200 && fault === undefined) {
      served += 1;
      recordsServed += reply.records;
    }
  };

  const runRoute = async (response: ServerResponse, handler: RouteHandler, request: LoggedRequest) => {
    const reply = await handler(request);
    if (reply === undefined) {
      unhandled.push(request);
      sendError(response, 404, `No route for ${request.method} ${request.path}.`);
      return;
    }
    await sendReply(response, reply, retryAfterSeconds);
  };

  const dispatch = async (response: ServerResponse, request: LoggedRequest) => {
    const { method, path } = request;
    if (path === '/health') {
      request.handler = 'health';
      sendJsonText(response, 200, '{"status":"ok"}');
      return;
    }
    if (oauth2 && path === oauth2.path) {
      request.handler = 'oauth2';
      if (method !== 'POST') {
        sendError(response, 405, `${method} is not supported on ${path}: use POST.`, { allow: 'POST' });
        return;
      }
      const reply = oauth2.handle(request.headers, request.body);
      sendJsonText(response, reply.status, JSON.stringify(reply.body), reply.headers);
      return;
    }
    const routeKey = routes.has(`${method} ${path}`) ? `${method} ${path}` : path;
    const route = routes.get(routeKey);
    if (route) {
      request.handler = routeKey;
      await runRoute(response, route, request);
      return;
    }
    const collection = collections.find(
      (candidate) => path === candidate.path || path.startsWith(`${candidate.path}/`),
    );
    if (collection) {
      request.handler = collection.name;
      await serveCollection(response, collection, request);
      return;
    }
    if (options.fallback) {
      request.handler = 'fallback';
      await runRoute(response, options.fallback, request);
      return;
    }
    request.handler = 'unhandled';
    unhandled.push(request);
    const known = collections.map((candidate) => candidate.path).join(', ') || 'no collections';
    sendError(response, 404, `No route for "${path}": this server serves ${known} and /health.`);
  };

  const server = createServer((incoming, response) => {
    void readBody(incoming)
      .then((body) => {
        const target = incoming.url ?? '/';
        const url = new URL(target, 'http://test-server.invalid');
        const request: LoggedRequest = {
          index: requests.length,
          method: incoming.method ?? 'GET',
          url: target,
          path: url.pathname,
          query: url.searchParams,
          headers: incoming.headers,
          body,
          json: parseJson(body),
          handler: '',
          status: 0,
        };
        requests.push(request);
        for (const waiter of waiters.filter((item) => item.count <= requests.length)) waiter.resolve();
        response.once('finish', () => {
          request.status = response.statusCode;
        });
        return dispatch(response, request);
      })
      .catch((error: unknown) => {
        if (response.headersSent) response.destroy();
        else sendError(response, 500, `Test server failure: ${String(error)}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;

  const handles = new Map<string, TestCollection>(
    collections.map((state) => [
      state.name,
      {
        name: state.name,
        path: state.path,
        url: `${origin}${state.path}`,
        get count() {
          return state.dataset.count;
        },
        get requests() {
          return state.requests;
        },
        record: (id) => state.dataset.record(id),
        records: () =>
          Array.from({ length: state.dataset.count }, (_, index) => state.dataset.record(index + 1)),
        mutate: (changes) => state.dataset.mutate(changes),
      },
    ]),
  );

  return {
    url: origin,
    requests,
    unhandled,
    oauth2,
    get generation() {
      return generation;
    },
    setGeneration(next) {
      for (const state of collections) state.dataset.setGeneration(next);
      generation = next;
    },
    collection(name) {
      const handle = handles.get(name);
      if (!handle) {
        throw new Error(
          `No collection "${name}": this server has ${[...handles.keys()].join(', ') || 'none'}.`,
        );
      }
      return handle;
    },
    stats: () => ({
      requests: collectionRequests,
      faults: { ...faultCounts },
      served,
      recordsServed,
      rateLimited,
    }),
    received: (count) =>
      count <= requests.length
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push({ count, resolve });
          }),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
