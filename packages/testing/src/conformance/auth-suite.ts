import { inspect } from 'node:util';
import {
  type Auth,
  type AuthContext,
  AuthError,
  type AuthFetchRequest,
  createRestClient,
  type RequestSpec,
  type ResponseInfo,
} from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from './paginator-suite';

export interface AuthConformanceOptions {
  /** Shown in the suite name: `<name>: auth conformance`. */
  name: string;
  /** Returns the auth under test, holding the secrets in `secretValues`. */
  create: () => Auth;
  /** Every secret value the auth holds (key, token, password...), and every token it obtains. */
  secretValues: string[];
  /** Whether the request carries this auth's credentials. */
  hasCredentials: (request: RequestSpec) => boolean;
  /**
   * A request without credentials to apply the auth to. Its origin is the configured API origin.
   * @default POST https://api.example.test/items?filter=active with an `accept` header and a JSON body
   */
  request?: RequestSpec;
  /**
   * Answers the requests the auth sends itself through `context.fetch` (an OAuth2 token
   * endpoint). Never sees the API requests the suite makes.
   * @default none: an auth that fetches fails the suite
   */
  fetch?: typeof globalThis.fetch;
}

/** A context for calling `apply`/`refresh` directly, and what the auth did with it. */
export interface TestAuthContext extends AuthContext {
  /** Every value the auth passed to `registerSecret`, in order. */
  registered: string[];
  /** Every request the auth sent through `fetch`. */
  fetched: AuthFetchRequest[];
}

export interface TestAuthContextOptions {
  /** The configured API origin. @default 'https://api.example.test' */
  origin?: string;
  /** Answers the auth's own requests. @default rejects: the auth is not expected to fetch */
  fetch?: typeof globalThis.fetch;
  /** @default a signal that never aborts */
  signal?: AbortSignal;
}

function refuseFetch(input: string | URL | Request): Promise<Response> {
  return Promise.reject(
    new Error(`the auth fetched ${String(input)}, but no \`fetch\` option says how to answer it`),
  );
}

/**
 * Builds an `AuthContext` for unit tests of an auth: `fetch` goes to `options.fetch` (JSON in,
 * parsed JSON out, a non-2xx status throws), and registered secrets and fetched requests are
 * recorded. The engine's own context adds retries, timeouts, redirect rules and redaction.
 */
export function createTestAuthContext(options: TestAuthContextOptions = {}): TestAuthContext {
  const fetchImplementation = options.fetch ?? refuseFetch;
  const registered: string[] = [];
  const fetched: AuthFetchRequest[] = [];
  const signal = options.signal ?? new AbortController().signal;
  return {
    registered,
    fetched,
    origin: options.origin ?? 'https://api.example.test',
    resource: 'conformance',
    signal,
    registerSecret: (value) => {
      registered.push(value);
    },
    async fetch(request): Promise<ResponseInfo> {
      fetched.push(request);
      const headers = new Headers(request.headers);
      let body: string | undefined;
      if (request.form !== undefined) {
        body = new URLSearchParams(request.form).toString();
        if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
      } else if (request.json !== undefined) {
        body = JSON.stringify(request.json);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      const method = request.method ?? (body === undefined ? 'GET' : 'POST');
      const response = await fetchImplementation(request.url, { method, headers, body, signal });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${request.url} answered HTTP ${response.status}`);
      return {
        status: response.status,
        headers: response.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
    },
  };
}

/** A request as the fake network saw it, in the shape `hasCredentials` reads. */
function seenRequest(input: string | URL | Request, init: RequestInit | undefined): RequestSpec {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = typeof init?.body === 'string' ? init.body : undefined;
  let json: unknown;
  try {
    json = body === undefined ? undefined : JSON.parse(body);
  } catch {
    json = body;
  }
  return {
    method: init?.method ?? 'GET',
    url: String(input),
    headers,
    ...(json === undefined ? {} : { json }),
  };
}

const elsewhere = 'https://elsewhere.example.test';

/**
 * Runs the auth contract (v1) against an adapter: credentials are added, the input is left alone,
 * applying twice changes nothing, every secret is declared (and every secret obtained at run time
 * registered), a refresh leaves working credentials, and through the engine's client no credential
 * or secret reaches another origin, directly or across a redirect.
 */
export function testAuthConformance(options: AuthConformanceOptions): void {
  const baseRequest: RequestSpec = options.request ?? {
    method: 'POST',
    url: 'https://api.example.test/items?filter=active',
    headers: { accept: 'application/json' },
    json: { query: { status: 'active' } },
  };
  const apiUrl = new URL(baseRequest.url);
  const fresh = () => structuredClone(baseRequest);
  const context = () => createTestAuthContext({ origin: apiUrl.origin, fetch: options.fetch });
  const known = (auth: Auth, testContext: TestAuthContext) => [...auth.secrets(), ...testContext.registered];

  /** A client on the API origin whose network answers `api` for the base request's path. */
  function clientWith(auth: Auth, api: (request: RequestSpec, index: number) => Response) {
    const apiRequests: RequestSpec[] = [];
    const elsewhereRequests: RequestSpec[] = [];
    const network: typeof globalThis.fetch = async (input, init) => {
      const seen = seenRequest(input, init);
      const url = new URL(seen.url);
      if (url.origin === elsewhere) {
        elsewhereRequests.push(seen);
        return Response.json({ ok: true });
      }
      if (url.origin === apiUrl.origin && url.pathname === apiUrl.pathname) {
        apiRequests.push(seen);
        return api(seen, apiRequests.length - 1);
      }
      return (options.fetch ?? refuseFetch)(input, init);
    };
    const client = createRestClient({
      baseUrl: apiUrl.origin,
      auth,
      fetch: network,
      retry: { maxRetries: 0 },
    });
    return { client, apiRequests, elsewhereRequests };
  }

  describe(`${options.name}: auth conformance`, () => {
    it('type - should be a non-empty string, for contract version v1', () => {
      const auth = options.create();
      expect(auth.kind).toBe('auth');
      expect(auth.specificationVersion).toBe('v1');
      expect(typeof auth.type).toBe('string');
      expect(auth.type.length).toBeGreaterThan(0);
    });

    it('apply - should add credentials', async () => {
      expect(options.hasCredentials(fresh()), 'the base request must not carry credentials').toBe(false);
      const applied = await options.create().apply(fresh(), context());
      expect(options.hasCredentials(applied)).toBe(true);
    });

    it('apply - should not mutate the input request', async () => {
      const input = deepFreeze(fresh());
      await options.create().apply(input, context());
      expect(input).toEqual(baseRequest);
      expect(options.hasCredentials(input)).toBe(false);
    });

    it('apply - should keep the method, body, other headers and query parameters', async () => {
      const applied = await options.create().apply(fresh(), context());
      expect(applied.method).toBe(baseRequest.method);
      expect(applied.json).toEqual(baseRequest.json);
      expect(applied.headers).toMatchObject(baseRequest.headers);
      const expected = new URL(baseRequest.url);
      const actual = new URL(applied.url);
      expect(actual.origin + actual.pathname).toBe(expected.origin + expected.pathname);
      for (const [key, value] of expected.searchParams) expect(actual.searchParams.get(key)).toBe(value);
    });

    it('apply - should be idempotent', async () => {
      const auth = options.create();
      const testContext = context();
      const once = await auth.apply(fresh(), testContext);
      const twice = await auth.apply(once, testContext);
      expect(twice).toEqual(once);
    });

    it('secrets - should declare or register every secret value by the time it is used', async () => {
      const auth = options.create();
      const testContext = context();
      await auth.apply(fresh(), testContext);
      for (const value of options.secretValues) expect(known(auth, testContext)).toContain(value);
    });

    it('secrets - should not expose a secret through JSON.stringify or inspect', async () => {
      const auth = options.create();
      await auth.apply(fresh(), context());
      const shown = `${JSON.stringify(auth)} ${inspect(auth, { depth: 5, showHidden: true })}`;
      for (const value of options.secretValues) expect(shown).not.toContain(value);
    });

    it('refresh - should leave credentials that apply adds again, if the auth can refresh', async () => {
      const auth = options.create();
      const testContext = context();
      await auth.apply(fresh(), testContext);
      if (!auth.refresh) {
        expect(auth.refresh).toBeUndefined();
        return;
      }
      const input = deepFreeze(fresh());
      await auth.refresh(testContext);
      const applied = await auth.apply(input, testContext);
      expect(options.hasCredentials(applied)).toBe(true);
      expect(input).toEqual(baseRequest);
      for (const value of options.secretValues) expect(known(auth, testContext)).toContain(value);
    });

    it('refresh - should answer a 401 by refreshing once through the engine, or fail with AuthError', async () => {
      const auth = options.create();
      const { client, apiRequests } = clientWith(auth, (_request, index) =>
        index === 0 ? Response.json({ error: 'expired' }, { status: 401 }) : Response.json([]),
      );
      const sending = client.send(fresh(), { resource: 'conformance' });
      if (auth.refresh) {
        await expect(sending).resolves.toMatchObject({ status: 200 });
        expect(apiRequests).toHaveLength(2);
        expect(apiRequests.every((request) => options.hasCredentials(request))).toBe(true);
      } else {
        await expect(sending).rejects.toBeInstanceOf(AuthError);
        expect(apiRequests).toHaveLength(1);
      }
    });

    it('origin - should send no credentials and no secret to another origin', async () => {
      const auth = options.create();
      const { client, apiRequests, elsewhereRequests } = clientWith(auth, () => Response.json([]));
      await client.send(fresh(), { resource: 'conformance' });
      await client.send({ ...fresh(), url: `${elsewhere}/files/1` }, { resource: 'conformance' });
      expect(options.hasCredentials(apiRequests[0] as RequestSpec)).toBe(true);
      expect(elsewhereRequests).toHaveLength(1);
      expect(options.hasCredentials(elsewhereRequests[0] as RequestSpec)).toBe(false);
      const leaked = JSON.stringify(elsewhereRequests);
      for (const value of options.secretValues) expect(leaked).not.toContain(value);
    });

    it('origin - should send no credentials and no secret across a redirect to another origin', async () => {
      const auth = options.create();
      const { client, elsewhereRequests } = clientWith(
        auth,
        () => new Response(null, { status: 302, headers: { location: `${elsewhere}/landing` } }),
      );
      await client.send({ ...fresh(), method: 'GET', json: undefined }, { resource: 'conformance' });
      expect(elsewhereRequests).toHaveLength(1);
      expect(options.hasCredentials(elsewhereRequests[0] as RequestSpec)).toBe(false);
      const leaked = JSON.stringify(elsewhereRequests);
      for (const value of options.secretValues) expect(leaked).not.toContain(value);
    });
  });
}
