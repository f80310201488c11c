import { AuthError, HttpError, type HttpErrorDetails, RateLimitError } from '../errors';
import type { TransportFailure } from './transport-error';

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

function describe(details: HttpErrorDetails, outcome: string, hint: string): string {
  const body = details.body ? `: ${details.body}` : '';
  return (
    `resource "${details.resource}": ${details.method} ${details.url} ${outcome} ` +
    `after ${attemptsText(details.attempts)}${body}. ${hint}`
  );
}

/** A non-success status that is not retried: 401/403 → `AuthError`, anything else → `HttpError`. */
export function statusError(details: HttpErrorDetails): HttpError {
  const status = details.status ?? 0;
  if (status === 401 || status === 403) return new AuthError(details);
  const hint =
    status === 404
      ? "Check the endpoint path, or add a response action { status: 404, action: 'ignore' } if missing items are expected."
      : 'Check the request (path, parameters, body) for this resource.';
  return new HttpError(details, { message: describe(details, `failed with HTTP ${status}`, hint) });
}

/** A retried status that kept coming back until the retries ran out. */
export function exhaustedStatusError(details: HttpErrorDetails, retryAfterMs: number | undefined): HttpError {
  if (details.status === 429) {
    const message = describe(
      details,
      'was still rate-limited (HTTP 429)',
      'Lower the request rate or raise retry.maxRetries.',
    );
    return new RateLimitError(details, retryAfterMs, message);
  }
  return new HttpError(details, {
    isRetryable: true,
    message: describe(
      details,
      `failed with HTTP ${details.status}`,
      'The API may be down; try again later or raise retry.maxRetries.',
    ),
  });
}

/** The API asked (with `Retry-After`) for a longer wait than `maxRetryDelayMs` allows. */
export function retryAfterTooLongError(
  details: HttpErrorDetails,
  waitMs: number,
  maxRetryDelayMs: number,
): RateLimitError {
  const seconds = Math.ceil(waitMs / 1000);
  const message =
    `resource "${details.resource}": ${details.method} ${details.url} got HTTP ${details.status} ` +
    `asking to retry after ${seconds} s (Retry-After), longer than retry.maxRetryDelayMs ` +
    `(${maxRetryDelayMs} ms); gave up after ${attemptsText(details.attempts)} instead of waiting. ` +
    `Raise retry.maxRetryDelayMs to at least ${waitMs} to wait, or run again later.`;
  return new RateLimitError(details, waitMs, message);
}

/** No (complete) response: connection, DNS, timeout or a body cut off mid-stream. */
export function transportError(
  details: HttpErrorDetails,
  failure: TransportFailure,
  cause: Error,
): HttpError {
  const hint = failure.retryable
    ? 'Check that the API is reachable, or raise retry.maxRetries / timeoutMs.'
    : 'Check the URL and the network settings.';
  return new HttpError(details, {
    cause,
    isRetryable: failure.retryable,
    message: describe(details, `got no response (${failure.description})`, hint),
  });
}
