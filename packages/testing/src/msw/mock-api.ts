import { ConfigError } from '@restsync/core';
import { type HttpHandler, http } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { functionResponse, type MockRoute, type MockRoutes, sequenceResponse } from './mock-response';
import { type ParsedRouteKey, parseRouteKey, type RouteMethod } from './route-key';

/** One request the mock API answered. */
export interface RecordedCall {
  /** The normalized route key that matched, e.g. `GET https://api.example.com/v1/resource`. */
  routeKey: string;
  /** Upper-case method. */
  method: string;
  /** The full URL, query string included. */
  url: string;
  /** The query parameters (the last value wins for a repeated name). */
  query: Record<string, string>;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The body parsed as JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** 1 for the first call this route received (since it was registered or reset). */
  call: number;
}

export interface MockApiOptions {
  /** Lets route keys be paths: `'GET /v1/resource'` with `baseUrl: 'https://api.example.com'`. */
  baseUrl?: string;
  /** What msw does with a request no route matches. @default 'error' (the request fails, msw logs it) */
  onUnhandledRequest?: 'error' | 'warn' | 'bypass';
}

/** A running msw server with a recorder; see `mockApi`. */
export interface MockApi {
  /** Every answered call, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** The calls of one route; the key is normalized like a route key (`baseUrl` applies). */
  callsTo(routeKey: string): RecordedCall[];
  /** Adds routes for the rest of the test; a route with an existing key replaces it (its call count starts at 1). */
  use(routes: MockRoutes): void;
  /** Forgets the recorded calls, restarts call counts and drops the routes added with `use`. */
  reset(): void;
  /** Stops intercepting. */
  close(): void;
  /** The underlying msw server, for anything this helper does not cover. */
  readonly server: SetupServer;
}

interface Registration extends ParsedRouteKey {
  route: MockRoute;
  calls: number;
}

const methodHandlers: Record<RouteMethod, typeof http.get> = {
  GET: http.get,
  POST: http.post,
  PUT: http.put,
  PATCH: http.patch,
  DELETE: http.delete,
  HEAD: http.head,
  OPTIONS: http.options,
  '*': http.all,
};

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts an msw server (`onUnhandledRequest: 'error'`) that answers the given routes and records
 * every call. It intercepts `fetch` and `node:http` in the whole process: run one per test file.
 *
 * ```ts
 * let api: MockApi;
 * beforeAll(() => { api = mockApi({ 'GET https://api.example.com/v1/resource': [{ status: 503 }, { body: { data: [] } }] }); });
 * afterEach(() => api.reset());
 * afterAll(() => api.close());
 * ```
 */
export function mockApi(routes: MockRoutes, options: MockApiOptions = {}): MockApi {
  const calls: RecordedCall[] = [];

  const register = (moreRoutes: MockRoutes): Registration[] =>
    Object.entries(moreRoutes).map(([key, route]) => {
      if (Array.isArray(route) && route.length === 0) {
        throw new ConfigError([
          { path: `routes[${JSON.stringify(key)}]`, message: 'a response sequence needs at least one entry' },
        ]);
      }
      return { ...parseRouteKey(key, options.baseUrl), route, calls: 0 };
    });

  const toHandler = (registration: Registration): HttpHandler =>
    methodHandlers[registration.method](registration.url, async ({ request }) => {
      registration.calls += 1;
      const call = registration.calls;
      const url = new URL(request.url);
      const recorded: RecordedCall = {
        routeKey: registration.routeKey,
        method: request.method,
        url: request.url,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(request.headers),
        body: undefined,
        call,
      };
      calls.push(recorded);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        recorded.body = parseBody(await request.clone().text());
      }
      const route = registration.route;
      if (typeof route === 'function') return functionResponse(await route(request, call));
      return sequenceResponse(route[Math.min(call, route.length) - 1]!);
    });

  const initial = register(routes);
  const server = setupServer(...initial.map(toHandler));
  server.listen({ onUnhandledRequest: options.onUnhandledRequest ?? 'error' });

  return {
    calls,
    callsTo(routeKey) {
      const wanted = parseRouteKey(routeKey, options.baseUrl).routeKey;
      return calls.filter((call) => call.routeKey === wanted);
    },
    use(moreRoutes) {
      server.use(...register(moreRoutes).map(toHandler));
    },
    reset() {
      server.resetHandlers();
      for (const registration of initial) registration.calls = 0;
      calls.length = 0;
    },
    close() {
      server.close();
    },
    server,
  };
}
