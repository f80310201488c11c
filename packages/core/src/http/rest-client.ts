import type { Auth, AuthContext, AuthFetchRequest } from '../contracts/auth';
import type { RequestSpec, ResponseInfo } from '../contracts/request';
import { assertSpecificationVersion } from '../contracts/specification-version';
import { type AuthError, ConfigError, HttpError, type HttpErrorDetails, type RestsyncError } from '../errors';
import { createEventBus, type EventBus } from '../events';
import { createRedactor, type Redactor } from '../redact';
import { type ApiLimits, createApiLimits } from './api-limits';
import { urlWithoutSecrets, withoutCredentials } from './credentials';
import { exhaustedStatusError, retryAfterTooLongError, statusError, transportError } from './http-failures';
import { isSameOrigin, originOn, type QueryParams, resolveUrl, validateBaseUrl } from './origin';
import type { RateLimiter } from './rate-limit';
import { redactError } from './redact-error';
import { defaultMaxRedirects, isRedirect, nextRedirect, type RedirectStep } from './redirects';
import { matchResponseAction, type ResponseAction } from './response-actions';
import { bodySnippet, parseBodyLoosely, parseJsonBody } from './response-body';
import { parseRetryAfter } from './retry-after';
import {
  type AttemptContext,
  type AttemptGate,
  computeBackoffDelay,
  createPolicyCache,
  type ResolvedRetryOptions,
  RetryableFailure,
  type RetryOptions,
  resolveRetryOptions,
} from './retry-policy';
import { chooseTransport, type WireResponse } from './transport';
import { classifyTransportError, timeoutFailure } from './transport-error';

export type { ResponseAction } from './response-actions';
export type { RetryOptions } from './retry-policy';

export interface RestClientOptions {
  /** Base URL every resource path continues, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  /**
   * Headers sent with every request. To another origin than the base URL's, Authorization, Cookie,
   * Proxy-Authorization and any header whose value holds a secret are left out. Request headers
   * win over these.
   */
  headers?: Record<string, string>;
  /** Credentials, applied only to requests on the base URL's origin. */
  auth?: Auth;
  /** Retry behaviour for every request; a resource can override it per request. @default see `RetryOptions` */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds (connection, redirects, headers and body). @default 30_000 */
  timeoutMs?: number;
  /**
   * How many redirects one request may follow. A redirect to another origin drops every
   * credential; a redirect from https to http is refused. @default 5
   */
  maxRedirects?: number;
  /** Receives `request`, `retry` and `log` events. @default createEventBus({ redactor }) */
  events?: EventBus;
  /** Removes secrets from messages, events and URLs; `auth.secrets()` are added to it. @default createRedactor() */
  redactor?: Redactor;
  /**
   * A `fetch` implementation to send every request with (the client follows redirects itself,
   * `redirect: 'manual'`). Without it, requests go out through undici's dispatcher on a keep-alive
   * connection pool, unless `globalThis.fetch` was replaced after restsync loaded (msw or another
   * interceptor): then through that. @default undici
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Rate limits and circuit breakers per API origin. Pass the same `createApiLimits()` to every
   * client of a run so they share them. @default none
   */
  limits?: ApiLimits;
}

export interface SendOptions {
  /** The resource this request belongs to; named in every event and error. */
  resource: string;
  /** Per-resource retry override, merged over the client's. */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /** Aborts the request, any retry wait, and the auth's own requests. */
  signal?: AbortSignal;
  /** A matching non-success (or success) response is returned with `ignored` set instead of throwing. */
  responseActions?: ResponseAction[];
  /** The resource's own limit (from `ApiLimits.resourceLimiter`), used instead of the API's. */
  rateLimiter?: RateLimiter;
}

export interface SendResult extends ResponseInfo {
  /** Why the response was ignored, e.g. `status 404 matched a response action`. */
  ignored?: string;
}

export interface RestClient {
  readonly baseUrl: string;
  readonly redactor: Redactor;
  readonly events: EventBus;
  /** Resolves a path (or absolute URL) against baseUrl. */
  resolveUrl(pathOrUrl: string, query?: QueryParams): string;
  /**
   * Sends a request with auth (same origin only), retries, backoff, timeout and redirects. On a
   * 401 to an auth that can `refresh`, refreshes once and repeats the request once. Returns the
   * parsed JSON response; throws `HttpError`, `AuthError`, `RateLimitError` or `ResponseError`.
   */
  send(request: RequestSpec, options: SendOptions): Promise<SendResult>;
}

const defaultTimeoutMs = 30_000;

/** Waits in a rate limit shorter than this are not reported (see `reportingWaits`). */
const minimumReportedWaitMs = 10;
/** The redacted identity of a request, as it appears in events and errors. */
interface Target {
  resource: string;
  method: string;
  url: string;
}

interface AttemptSettings {
  retry: ResolvedRetryOptions;
  timeoutMs: number;
  responseActions: ResponseAction[] | undefined;
  signal: AbortSignal | undefined;
  rateLimiter?: RateLimiter | undefined;
}

interface RetryDecision {
  attempt: number;
  reason: string;
  status?: number;
  delayMs: number;
  retryAfter: boolean;
}

/** A request about to go on the wire; `body` (a form or raw text) is sent instead of `json` when set. */
type Outgoing = RequestSpec;

/** One request of a redirect chain, and the credential generation it carries (undefined: none). */
interface Hop {
  request: Outgoing;
  credentials: number | undefined;
}

/**
 * Who may receive what: credentials go to `origin` only. `authorize` turns a request for `origin`
 * into the hop that carries them; a request for another origin gets `withoutCredentials` instead.
 */
interface CredentialScope {
  origin: string;
  authorize(request: Outgoing): Promise<Hop>;
}

/** Thrown through the retry policy when a request that carried credentials got a 401. */
class CredentialsRejected extends Error {
  readonly error: AuthError;
  readonly generation: number;

  constructor(error: AuthError, generation: number) {
    super(error.message);
    this.error = error;
    this.generation = generation;
  }
}

function validateTimeout(timeoutMs: number, path: string): number {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError([
      { path, message: `must be a number of milliseconds > 0, got ${String(timeoutMs)}` },
    ]);
  }
  return timeoutMs;
}

function validateMaxRedirects(maxRedirects: number): number {
  if (!(Number.isInteger(maxRedirects) && maxRedirects >= 0)) {
    throw new ConfigError([
      { path: 'client.maxRedirects', message: `must be a whole number >= 0, got ${String(maxRedirects)}` },
    ]);
  }
  return maxRedirects;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

function serializedBody(request: Outgoing): string | undefined {
  if (request.body !== undefined) return request.body;
  return request.json === undefined ? undefined : JSON.stringify(request.json);
}

/** The body as fetch sends it: bytes when no header names a content type, so fetch adds none (a raw body, as in dlt). */
function wireBody(request: Outgoing): string | Uint8Array | undefined {
  const body = serializedBody(request);
  if (body === undefined || request.headers['content-type'] !== undefined) return body;
  return new TextEncoder().encode(body);
}

/** The request of the next hop: method and body as the redirect decided, headers of the original. */
function redirectedRequest(
  original: Outgoing,
  current: Outgoing,
  step: Extract<RedirectStep, { kind: 'follow' }>,
): Outgoing {
  const headers = { ...original.headers };
  if (!step.keepBody) {
    delete headers['content-type'];
    delete headers['content-length'];
    return { method: step.method, url: step.url, headers };
  }
  return {
    method: step.method,
    url: step.url,
    headers,
    ...(current.json === undefined ? {} : { json: current.json }),
    ...(current.body === undefined ? {} : { body: current.body }),
  };
}

export function createRestClient(options: RestClientOptions): RestClient {
  const redactor = options.redactor ?? createRedactor();
  const auth = options.auth;
  if (auth) assertSpecificationVersion('auth', auth, 'client.auth');
  // A secret the redactor already holds costs it a set lookup: a refreshed token is the new one.
  const registerSecrets = () => {
    for (const value of auth?.secrets() ?? []) redactor.add(value);
  };
  registerSecrets();
  validateBaseUrl(options.baseUrl, redactor);
  const baseUrl = options.baseUrl;
  const baseOrigin = new URL(baseUrl).origin;
  const events = options.events ?? createEventBus({ redactor });
  const transportFor = chooseTransport(options.fetch);
  const clientRetry = resolveRetryOptions(options.retry);
  // A resource passes the same retry object with every request: resolved once, not per request.
  const resolvedRetries = new WeakMap<RetryOptions, ResolvedRetryOptions>();
  const retryFor = (layer: RetryOptions | undefined): ResolvedRetryOptions => {
    if (layer === undefined) return clientRetry;
    let resolved = resolvedRetries.get(layer);
    if (resolved === undefined) {
      resolved = resolveRetryOptions(options.retry, layer);
      resolvedRetries.set(layer, resolved);
    }
    return resolved;
  };
  const clientTimeoutMs = validateTimeout(options.timeoutMs ?? defaultTimeoutMs, 'client.timeoutMs');
  const maxRedirects = validateMaxRedirects(options.maxRedirects ?? defaultMaxRedirects);
  const defaultHeaders = lowerCaseKeys(options.headers);
  const policyFor = createPolicyCache();
  // The auth's signal for a request sent without one: nothing aborts it.
  const neverAborted = new AbortController().signal;
  const limits = options.limits ?? createApiLimits();
  const warnedDrops = new Set<string>();
  // Bumped by every completed refresh; a 401 to credentials older than the current ones needs none.
  let credentialGeneration = 0;
  let refreshing: Promise<void> | undefined;

  /** Base URL resolved, headers merged, method in upper case; no credentials yet. */
  function prepare(request: RequestSpec): Outgoing {
    const url = resolveUrl(baseUrl, request.url, {}, redactor);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...defaultHeaders,
      ...lowerCaseKeys(request.headers),
    };
    if (request.json !== undefined && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
    return { ...request, method: (request.method || 'GET').toUpperCase(), url, headers };
  }

  /**
   * Leaves out every credential for a request to `origin`'s outsiders (headers, and query params
   * holding a secret), with one warning per header or param and origin.
   */
  function stripCredentials(request: Outgoing, scope: CredentialScope, resource: string): Hop {
    const { headers, dropped } = withoutCredentials(request.headers, redactor);
    const stripped = urlWithoutSecrets(request.url, redactor);
    const destination = new URL(request.url).origin;
    const warn = (kind: string, names: string[], what: string) => {
      const fresh = names.filter((name) => !warnedDrops.has(`${destination} ${kind} ${name}`));
      if (fresh.length === 0) return;
      for (const name of fresh) warnedDrops.add(`${destination} ${kind} ${name}`);
      events.emit({
        type: 'log',
        level: 'warn',
        message:
          `resource "${resource}": not sending the ${kind}${fresh.length === 1 ? '' : 's'} ` +
          `${fresh.map((name) => `"${name}"`).join(', ')} to ${destination}: ${what} go only to ${scope.origin}`,
      });
    };
    warn('header', dropped, 'credentials and headers holding a secret');
    warn('query param', stripped.dropped, 'query params holding a secret');
    return { request: { ...request, url: stripped.url, headers }, credentials: undefined };
  }

  /** The first hop of a request: credentials on the scope's origin, none elsewhere. */
  function firstHop(request: Outgoing, scope: CredentialScope, resource: string): Promise<Hop> {
    if (isSameOrigin(request.url, scope.origin)) return scope.authorize(request);
    return Promise.resolve(stripCredentials(request, scope, resource));
  }

  function redirectError(
    target: Target,
    hop: Outgoing,
    status: number,
    attempt: number,
    refusal: { reason: string; hint: string },
  ) {
    const url = redactor.redactUrl(hop.url);
    const details: HttpErrorDetails = { ...target, method: hop.method, url, status, attempts: attempt };
    return new HttpError(details, {
      message:
        `resource "${target.resource}": ${hop.method} ${url} got HTTP ${status} with ${refusal.reason}; ` +
        `the redirect was not followed. ${refusal.hint}`,
    });
  }

  /** Follows one redirect: the next hop, with credentials only if it stays on the scope's origin. */
  async function followRedirect(
    original: Outgoing,
    hop: Hop,
    status: number,
    location: string,
    followed: number,
    context: { scope: CredentialScope; target: Target; attempt: number },
  ): Promise<Hop> {
    const { scope, target, attempt } = context;
    const step = nextRedirect(hop.request, status, location, followed, maxRedirects);
    if (step.kind === 'refuse') throw redirectError(target, hop.request, status, attempt, step);
    const next = redirectedRequest(original, hop.request, step);
    events.emit({
      type: 'log',
      level: 'debug',
      message:
        `resource "${target.resource}": ${hop.request.method} ${redactor.redactUrl(hop.request.url)} ` +
        `redirected (HTTP ${status}) to ${next.method} ${redactor.redactUrl(next.url)}`,
    });
    if (isSameOrigin(next.url, scope.origin)) return scope.authorize(next);
    const body = serializedBody(next);
    if (body !== undefined && redactor.containsSecret(body)) {
      throw redirectError(target, hop.request, status, attempt, {
        reason: `a redirect to ${new URL(next.url).origin}, which would receive a body holding a secret`,
        hint: 'Credentials go only to the configured origin; use the final URL if it is trusted.',
      });
    }
    return stripCredentials(next, scope, target.resource);
  }

  /** Emits the retry event and log line and throws the failure the policy retries, or `finalError` when none are left. */
  function retryOrFail(
    target: Target,
    settings: AttemptSettings,
    decision: RetryDecision,
    finalError: RestsyncError,
  ): never {
    const { maxRetries } = settings.retry;
    if (decision.attempt > maxRetries) throw finalError;
    events.emit({
      type: 'retry',
      ...target,
      attempt: decision.attempt,
      reason: decision.reason,
      ...(decision.status === undefined ? {} : { status: decision.status }),
      delayMs: decision.delayMs,
      retryAfter: decision.retryAfter,
    });
    const why = decision.retryAfter ? ' as its Retry-After header asks' : '';
    events.emit({
      type: 'log',
      level: 'warn',
      message:
        `resource "${target.resource}": ${target.method} ${target.url} failed (${decision.reason}) ` +
        `on attempt ${decision.attempt} of ${maxRetries + 1}; retrying in ${decision.delayMs} ms${why}`,
    });
    throw new RetryableFailure(decision.delayMs, finalError);
  }

  /** One request on the wire, body read; a transport failure is retried or becomes an `HttpError`. */
  async function exchange(
    request: Outgoing,
    target: Target,
    settings: AttemptSettings,
    context: AttemptContext,
  ): Promise<WireResponse> {
    const { attempt } = context;
    try {
      return await transportFor()({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: wireBody(request),
        abort: context.abort,
      });
    } catch (error) {
      if (settings.signal?.aborted) throw settings.signal.reason;
      const failure = context.abort.aborted
        ? timeoutFailure(settings.timeoutMs)
        : classifyTransportError(error);
      const details: HttpErrorDetails = { ...target, status: undefined, attempts: attempt };
      const finalError = transportError(details, failure, redactError(error, redactor));
      if (!failure.retryable) throw finalError;
      const delayMs = computeBackoffDelay(settings.retry, attempt);
      return retryOrFail(
        target,
        settings,
        { attempt, reason: failure.code, delayMs, retryAfter: false },
        finalError,
      );
    }
  }

  async function attemptOnce(
    original: Outgoing,
    first: Hop,
    scope: CredentialScope,
    target: Target,
    settings: AttemptSettings,
    context: AttemptContext,
  ): Promise<SendResult> {
    const { attempt } = context;
    // Written out, not spread: a spread's object takes V8's slow path, once per request.
    events.emit({
      type: 'request',
      resource: target.resource,
      method: target.method,
      url: target.url,
      attempt,
    });
    let hop = first;
    let followed = 0;
    let exchanged = await exchange(hop.request, target, settings, context);
    let location = exchanged.headers.get('location');
    while (isRedirect(exchanged.status, location)) {
      const redirect = { scope, target, attempt };
      hop = await followRedirect(original, hop, exchanged.status, location, followed, redirect);
      followed += 1;
      exchanged = await exchange(hop.request, target, settings, context);
      location = exchanged.headers.get('location');
    }
    const { status, headers, text } = exchanged;
    const ignored = matchResponseAction(settings.responseActions, status, text);
    if (ignored) return { status, headers, body: parseBodyLoosely(text), ignored };
    if (status >= 200 && status < 300) {
      const source = {
        resource: target.resource,
        method: target.method,
        url: target.url,
        status,
        contentType: headers.get('content-type'),
      };
      return { status, headers, body: parseJsonBody(text, source, redactor) };
    }

    const body = bodySnippet(text, redactor, 500);
    const details: HttpErrorDetails = { ...target, status, attempts: attempt, ...(body ? { body } : {}) };
    if (status === 401 && hop.credentials !== undefined && auth?.refresh) {
      throw new CredentialsRejected(statusError(details) as AuthError, hop.credentials);
    }
    if (!settings.retry.retryStatuses.includes(status)) throw statusError(details);
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    if (retryAfterMs !== undefined && retryAfterMs > settings.retry.maxRetryDelayMs) {
      throw retryAfterTooLongError(details, retryAfterMs, settings.retry.maxRetryDelayMs);
    }
    const delayMs = retryAfterMs ?? computeBackoffDelay(settings.retry, attempt);
    const decision = {
      attempt,
      reason: `HTTP ${status}`,
      status,
      delayMs,
      retryAfter: retryAfterMs !== undefined,
    };
    return retryOrFail(target, settings, decision, exhaustedStatusError(details, retryAfterMs));
  }

  /** Runs every attempt of one request (first hop and redirects) under the retry policy. */
  async function execute(
    original: Outgoing,
    scope: CredentialScope,
    resource: string,
    settings: AttemptSettings,
  ): Promise<SendResult> {
    const first = await firstHop(original, scope, resource);
    const target: Target = {
      resource,
      method: first.request.method,
      url: redactor.redactUrl(first.request.url),
    };
    const policy = policyFor(settings.retry.maxRetries, settings.timeoutMs);
    const gate = limits.gate(originOn(first.request.url, scope.origin), settings.rateLimiter);
    return policy.execute(
      (context) => attemptOnce(original, first, scope, target, settings, context),
      settings.signal,
      gate && reportingWaits(gate, resource),
    );
  }

  /**
   * `gate`, emitting `rate_limit_wait` when an attempt waited in it (only clients with a limit pay
   * for this). A start within `minimumReportedWaitMs` of queueing is the event loop's own latency
   * (a token was free, but the limiter's promises still take a turn), not a wait for the limit.
   */
  function reportingWaits(gate: AttemptGate, resource: string): AttemptGate {
    return {
      run(attempt, signal) {
        const queuedAt = performance.now();
        return gate.run(() => {
          const waitMs = Math.round(performance.now() - queuedAt);
          if (waitMs >= minimumReportedWaitMs) events.emit({ type: 'rate_limit_wait', resource, waitMs });
          return attempt();
        }, signal);
      },
    };
  }

  /** `AuthContext.fetch`: the auth's own request, with the client's policy and no client headers. */
  async function authFetch(request: AuthFetchRequest, resource: string, settings: AttemptSettings) {
    let url: URL | undefined;
    try {
      url = new URL(request.url);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      throw new ConfigError([
        {
          path: 'auth',
          message: `the auth asked to fetch "${redactor.redactUrl(String(request.url))}", which is not an absolute http(s) URL`,
        },
      ]);
    }
    const headers: Record<string, string> = { accept: 'application/json', ...lowerCaseKeys(request.headers) };
    const form = request.form === undefined ? undefined : new URLSearchParams(request.form).toString();
    if (form !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    if (request.json !== undefined) headers['content-type'] ??= 'application/json';
    const hasBody = form !== undefined || request.json !== undefined;
    const outgoing: Outgoing = {
      method: (request.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase(),
      url: url.toString(),
      headers,
      ...(form === undefined ? {} : { body: form }),
      ...(request.json === undefined ? {} : { json: request.json }),
    };
    // The auth's own headers are its credentials for the URL it named, and for nothing else.
    const scope: CredentialScope = {
      origin: url.origin,
      authorize: async (next) => ({ request: next, credentials: undefined }),
    };
    const {
      status,
      headers: responseHeaders,
      body,
    } = await execute(outgoing, scope, resource, {
      ...settings,
      responseActions: undefined,
      rateLimiter: undefined,
    });
    return { status, headers: responseHeaders, body };
  }

  function createAuthContext(resource: string, settings: AttemptSettings): AuthContext {
    return {
      fetch: (request) => authFetch(request, resource, settings),
      signal: settings.signal ?? neverAborted,
      registerSecret: (value) => redactor.add(value),
      origin: baseOrigin,
      resource,
    };
  }

  /** Renews the credentials once for every 401 to the same generation of them (single flight). */
  async function refreshCredentials(seenGeneration: number, context: AuthContext): Promise<void> {
    if (seenGeneration !== credentialGeneration) return;
    refreshing ??= (async () => {
      try {
        await auth?.refresh?.(context);
        registerSecrets();
        credentialGeneration += 1;
      } finally {
        refreshing = undefined;
      }
    })();
    await refreshing;
  }

  return {
    baseUrl,
    redactor,
    events,
    resolveUrl: (pathOrUrl, query) => resolveUrl(baseUrl, pathOrUrl, query, redactor),
    async send(request, sendOptions) {
      const settings: AttemptSettings = {
        retry: retryFor(sendOptions.retry),
        timeoutMs: validateTimeout(sendOptions.timeoutMs ?? clientTimeoutMs, 'timeoutMs'),
        responseActions: sendOptions.responseActions,
        signal: sendOptions.signal,
        rateLimiter: sendOptions.rateLimiter,
      };
      const { resource } = sendOptions;
      if (request.body !== undefined && request.json !== undefined) {
        // A paginator's *_body_path writes JSON; with a form or raw body it would never be sent.
        throw new ConfigError([
          {
            path: 'endpoint.data',
            message:
              `resource "${resource}": the request has a form or raw body (data) and a JSON body (json, or a ` +
              "paginator's *_body_path); a request has one body: use json, or the paginator's query parameters",
          },
        ]);
      }
      const original = prepare(request);
      const context = auth ? createAuthContext(resource, settings) : undefined;
      const scope: CredentialScope = {
        origin: baseOrigin,
        async authorize(next) {
          if (!(auth && context)) return { request: next, credentials: undefined };
          const generation = credentialGeneration;
          const authorized = await auth.apply(next, context);
          registerSecrets();
          return { request: authorized, credentials: generation };
        },
      };
      try {
        return await execute(original, scope, resource, settings);
      } catch (error) {
        if (!(error instanceof CredentialsRejected && context)) throw error;
        events.emit({
          type: 'log',
          level: 'info',
          message:
            `resource "${resource}": ${original.method} ${redactor.redactUrl(original.url)} got HTTP 401; ` +
            'refreshing the credentials and sending it once more',
        });
        await refreshCredentials(error.generation, context);
        try {
          return await execute(original, scope, resource, settings);
        } catch (second) {
          if (second instanceof CredentialsRejected) throw second.error;
          throw second;
        }
      }
    },
  };
}
