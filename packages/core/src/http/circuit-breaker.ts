import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { ConfigError, HttpError } from '../errors';
import { RetryableFailure } from './retry-policy';

/** Stops a run against an API that keeps failing, instead of retrying every remaining request. */
export interface CircuitBreakerOptions {
  /**
   * Attempts in a row that failed with HTTP 5xx or no response (connection refused or reset,
   * timeout) before every further request to the API fails at once. Any other answer, even a 404
   * or a 429, shows the API is up and starts the count again.
   */
  consecutiveFailures: number;
}

/** One API's breaker, shared by every request to it in a run. */
export interface CircuitBreaker {
  /**
   * Runs one attempt. An attempt that throws an API failure counts towards opening the circuit;
   * once it is open, `run` throws an `HttpError` naming the API's origin without calling `attempt`.
   */
  run<T>(attempt: () => Promise<T>): Promise<T>;
}

/** Throws a `ConfigError` (at `path`) for a value that is not a valid breaker setting. */
export function validateCircuitBreakerOptions(options: CircuitBreakerOptions, path: string): void {
  const { consecutiveFailures } = options;
  if (!(Number.isInteger(consecutiveFailures) && consecutiveFailures >= 1)) {
    throw new ConfigError([
      {
        path: `${path}.consecutiveFailures`,
        message: `must be a whole number >= 1, got ${String(consecutiveFailures)}`,
      },
    ]);
  }
}

/** The failure an attempt ends with: the error a retry would report, or the error itself. */
function failureOf(error: unknown): unknown {
  return error instanceof RetryableFailure ? error.finalError : error;
}

/** HTTP 5xx or no response at all: the API, not the request, is the problem. */
function isApiFailure(error: unknown): boolean {
  const failure = failureOf(error);
  if (!HttpError.isInstance(failure)) return false;
  return failure.status === undefined || failure.status >= 500;
}

function describeFailure(error: unknown): string {
  const failure = failureOf(error);
  if (!HttpError.isInstance(failure)) return 'an unknown failure';
  const { method, url, status } = failure.details;
  return `${status === undefined ? 'no response' : `HTTP ${status}`} to ${method} ${url}`;
}

/** A cockatiel circuit breaker for the API at `origin`; it stays open for the rest of the run. */
export function createCircuitBreaker(options: CircuitBreakerOptions, origin: string): CircuitBreaker {
  validateCircuitBreakerOptions(options, 'circuitBreaker');
  const { consecutiveFailures } = options;
  const policy = circuitBreaker(handleWhen(isApiFailure), {
    halfOpenAfter: Number.MAX_SAFE_INTEGER,
    breaker: new ConsecutiveBreaker(consecutiveFailures),
  });
  let lastFailure: unknown;

  const openError = (cause: unknown) => {
    const failure = failureOf(lastFailure);
    const details = HttpError.isInstance(failure)
      ? { ...failure.details, attempts: consecutiveFailures }
      : { resource: '', method: '', url: origin, attempts: consecutiveFailures };
    return new HttpError(details, {
      isRetryable: true,
      cause,
      message:
        `the API at ${origin} looks down: ${consecutiveFailures} requests in a row failed ` +
        `(the last: ${describeFailure(lastFailure)}), so the circuit breaker stopped the run instead ` +
        'of retrying the remaining requests. Check that the API is up, then run again; ' +
        'client.circuit_breaker.consecutive_failures sets how many failures in a row open it.',
    });
  };

  return {
    async run(attempt) {
      let outcome: { value: Awaited<ReturnType<typeof attempt>> } | { error: unknown };
      try {
        outcome = await policy.execute(async () => {
          try {
            return { value: await attempt() };
          } catch (error) {
            if (!isApiFailure(error)) return { error };
            lastFailure = error;
            throw error;
          }
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw openError(error);
        throw error;
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
  };
}
