import type { Auth } from '../contracts/auth';
import type { RequestSpec, ResponseInfo } from '../contracts/request';
import { ConfigError, type HttpErrorDetails, type RestsyncError } from '../errors';
import { createEventBus, type EventBus } from '../events';
import { createRedactor, type Redactor } from '../redact';
import { exhaustedStatusError, retryAfterTooLongError, statusError, transportError } from './http-failures';
import { isSameOrigin, type QueryParams, resolveUrl, validateBaseUrl } from './origin';
import { redactError } from './redact-error';
import { matchResponseAction, type ResponseAction } from './response-actions';
import { bodySnippet, parseBodyLoosely, parseJsonBody } from './response-body';
import { parseRetryAfter } from './retry-after';
import {
  type AttemptContext,
  computeBackoffDelay,
  createPolicyCache,
  type ResolvedRetryOptions,
  RetryableFailure,
  type RetryOptions,
  resolveRetryOptions,
} from './retry-policy';
import { classifyTransportError, timeoutFailure } from './transport-error';

export type { ResponseAction } from './response-actions';
export type { RetryOptions } from './retry-policy';

export interface RestClientOptions {
  /** Base URL every resource path continues, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  /** Headers sent with every request (to any origin). Request headers win over these. */
  headers?: Record<string, string>;
  /** Credentials, applied only to requests on the base URL's origin. */
  auth?: Auth;
  /** Retry behaviour for every request; a resource can override it per request. @default see `RetryOptions` */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds (connection, headers and body). @default 30_000 */
  timeoutMs?: number;
  /** Receives `request`, `retry` and `log` events. @default createEventBus({ redactor }) */
  events?: EventBus;
  /** Removes secrets from messages, events and URLs; `auth.secrets()` are added to it. @default createRedactor() */
  redactor?: Redactor;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

export interface SendOptions {
  /** The resource this request belongs to; named in every event and error. */
  resource: string;
  /** Per-resource retry override, merged over the client's. */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /** Aborts the request and any retry wait. */
  signal?: AbortSignal;
  /** A matching non-success (or success) response is returned with `ignored` set instead of throwing. */
  responseActions?: ResponseAction[];
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
   * Sends a request with auth (same origin only), retries, backoff and timeout. Returns the parsed
   * JSON response; throws `HttpError`, `AuthError`, `RateLimitError` or `ResponseError`.
   */
  send(request: RequestSpec, options: SendOptions): Promise<SendResult>;
}

const defaultTimeoutMs = 30_000;

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
}

interface RetryDecision {
  attempt: number;
  reason: string;
  status?: number;
  delayMs: number;
  retryAfter: boolean;
}

function validateTimeout(timeoutMs: number, path: string): number {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError([
      { path, message: `must be a number of milliseconds > 0, got ${String(timeoutMs)}` },
    ]);
  }
  return timeoutMs;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

export function createRestClient(options: RestClientOptions): RestClient {
  const redactor = options.redactor ?? createRedactor();
  for (const value of options.auth?.secrets() ?? []) redactor.add(value);
  validateBaseUrl(options.baseUrl, redactor);
  const baseUrl = options.baseUrl;
  const events = options.events ?? createEventBus({ redactor });
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  resolveRetryOptions(options.retry);
  const clientTimeoutMs = validateTimeout(options.timeoutMs ?? defaultTimeoutMs, 'client.timeoutMs');
  const defaultHeaders = lowerCaseKeys(options.headers);
  const policyFor = createPolicyCache();

  async function prepare(request: RequestSpec): Promise<RequestSpec> {
    const url = resolveUrl(baseUrl, request.url, {}, redactor);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...defaultHeaders,
      ...lowerCaseKeys(request.headers),
    };
    if (request.json !== undefined && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
    const prepared: RequestSpec = {
      ...request,
      method: (request.method || 'GET').toUpperCase(),
      url,
      headers,
    };
    if (!options.auth || !isSameOrigin(url, baseUrl)) return prepared;
    const authorized = await options.auth.apply(prepared);
    for (const value of options.auth.secrets()) redactor.add(value);
    return authorized;
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

  async function attemptOnce(
    request: RequestSpec,
    target: Target,
    settings: AttemptSettings,
    context: AttemptContext,
  ): Promise<SendResult> {
    const { attempt } = context;
    events.emit({ type: 'request', ...target, attempt });
    let response: Response;
    let text: string;
    try {
      response = await fetchImplementation(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        signal: context.signal,
      });
      text = await response.text();
    } catch (error) {
      if (settings.signal?.aborted) throw settings.signal.reason;
      const failure = context.signal.aborted
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

    const { status, headers } = response;
    const ignored = matchResponseAction(settings.responseActions, status, text);
    if (ignored) return { status, headers, body: parseBodyLoosely(text), ignored };
    if (response.ok) {
      const source = { ...target, status, contentType: headers.get('content-type') };
      return { status, headers, body: parseJsonBody(text, source, redactor) };
    }

    const body = bodySnippet(text, redactor, 500);
    const details: HttpErrorDetails = { ...target, status, attempts: attempt, ...(body ? { body } : {}) };
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

  return {
    baseUrl,
    redactor,
    events,
    resolveUrl: (pathOrUrl, query) => resolveUrl(baseUrl, pathOrUrl, query, redactor),
    async send(request, sendOptions) {
      const settings: AttemptSettings = {
        retry: resolveRetryOptions(options.retry, sendOptions.retry),
        timeoutMs: validateTimeout(sendOptions.timeoutMs ?? clientTimeoutMs, 'timeoutMs'),
        responseActions: sendOptions.responseActions,
        signal: sendOptions.signal,
      };
      const prepared = await prepare(request);
      const target: Target = {
        resource: sendOptions.resource,
        method: prepared.method,
        url: redactor.redactUrl(prepared.url),
      };
      const policy = policyFor(settings.retry.maxRetries, settings.timeoutMs);
      return policy.execute(
        (context) => attemptOnce(prepared, target, settings, context),
        sendOptions.signal,
      );
    },
  };
}
