import { ConfigError, type RestsyncError } from '../errors';
import { AbortScope, scopeOfSignal, timeoutAbortReason } from './abort-scope';

/** How the engine retries failed requests. Every field is optional; unset fields keep their default. */
export interface RetryOptions {
  /** How many times a failed request is repeated (so at most `maxRetries + 1` attempts). @default 3 */
  maxRetries?: number;
  /** The wait before the first retry, in milliseconds. @default 1000 */
  initialDelayMs?: number;
  /** Each further retry waits this many times longer than the one before. @default 2 */
  backoffFactor?: number;
  /** Cap for the computed exponential delay, in milliseconds. @default 30_000 */
  maxDelayMs?: number;
  /** A `Retry-After` wait above this fails at once with `RateLimitError`, in milliseconds. @default 60_000 */
  maxRetryDelayMs?: number;
  /** Response statuses that are retried. @default [429, 500, 502, 503, 504] */
  retryStatuses?: number[];
}

/** `RetryOptions` with every default filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

export const defaultRetryOptions: ResolvedRetryOptions = Object.freeze({
  maxRetries: 3,
  initialDelayMs: 1000,
  backoffFactor: 2,
  maxDelayMs: 30_000,
  maxRetryDelayMs: 60_000,
  retryStatuses: Object.freeze([429, 500, 502, 503, 504]) as number[],
});

const numericFields = [
  'maxRetries',
  'initialDelayMs',
  'backoffFactor',
  'maxDelayMs',
  'maxRetryDelayMs',
] as const;

/** Merges retry options, later layers winning over earlier ones, and validates the result. */
export function resolveRetryOptions(...layers: (RetryOptions | undefined)[]): ResolvedRetryOptions {
  const resolved: ResolvedRetryOptions = { ...defaultRetryOptions };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) Object.assign(resolved, { [key]: value });
    }
  }
  const issues = numericFields
    .filter((field) => !(Number.isFinite(resolved[field]) && resolved[field] >= 0))
    .map((field) => ({
      path: `retry.${field}`,
      message: `must be a number >= 0, got ${String(resolved[field])}`,
    }));
  if (!Number.isInteger(resolved.maxRetries)) {
    issues.push({ path: 'retry.maxRetries', message: `must be a whole number, got ${resolved.maxRetries}` });
  }
  if (!Array.isArray(resolved.retryStatuses)) {
    issues.push({ path: 'retry.retryStatuses', message: 'must be a list of HTTP status codes' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}

/** The exponential delay before retry number `retryNumber` (1 = first retry), capped at `maxDelayMs`. */
export function computeBackoffDelay(options: ResolvedRetryOptions, retryNumber: number): number {
  const delay = options.initialDelayMs * options.backoffFactor ** (retryNumber - 1);
  return Math.min(delay, options.maxDelayMs);
}

/**
 * Thrown by an attempt that should be repeated. The policy waits `delayMs` (abortable) before the
 * next attempt; should the policy ever give up on it, `finalError` is what the caller sees.
 */
export class RetryableFailure extends Error {
  readonly delayMs: number;
  readonly finalError: RestsyncError;

  constructor(delayMs: number, finalError: RestsyncError) {
    super(finalError.message);
    this.name = 'RetryableFailure';
    this.delayMs = delayMs;
    this.finalError = finalError;
  }
}

export interface AttemptContext {
  /** 1 for the first request, 2 for the first retry, ... */
  attempt: number;
  /** Aborted when the caller aborts or the attempt times out (its `signal` is made only if asked for). */
  abort: AbortScope;
}

/** What every attempt passes before it goes out: a rate limit and a circuit breaker (see `ApiLimits`). */
export interface AttemptGate {
  /** Runs `attempt` when the gate lets it; rejects with the abort reason when `signal` aborts first. */
  run<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Retry + per-attempt timeout. */
export interface HttpPolicy {
  /**
   * Runs `attempt` until it returns, or throws anything but a `RetryableFailure`, or the retries run
   * out. Waits `failure.delayMs` between attempts; the wait ends early (rejecting) when `signal` aborts.
   * Each attempt first passes `gate`, and its timeout starts only once the gate lets it go.
   */
  execute<T>(
    attempt: (context: AttemptContext) => Promise<T>,
    signal?: AbortSignal,
    gate?: AttemptGate,
  ): Promise<T>;
}

/**
 * Runs one attempt with its own abort scope, aborted when `timeoutMs` passes or `signal` aborts.
 * The attempt itself settles (it reads the abort); nothing is aborted once it has returned.
 */
async function attemptWithTimeout<T>(
  attempt: (context: AttemptContext) => Promise<T>,
  number: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  const abort = new AbortScope();
  const detach =
    signal === undefined ? undefined : scopeOfSignal(signal).onAbort((reason) => abort.abort(reason));
  const timer = setTimeout(() => abort.abort(timeoutAbortReason()), timeoutMs);
  try {
    return await attempt({ attempt: number, abort });
  } finally {
    clearTimeout(timer);
    detach?.();
  }
}

/**
 * A plain loop, not a policy library: per attempt one abort scope and one timer, which is all a
 * request needs.
 */
function createHttpPolicy(maxRetries: number, timeoutMs: number): HttpPolicy {
  return {
    async execute(attempt, signal, gate) {
      for (let number = 1; ; number++) {
        try {
          const timed = () => attemptWithTimeout(attempt, number, timeoutMs, signal);
          return await (gate ? gate.run(timed, signal) : timed());
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          if (!(error instanceof RetryableFailure)) throw error;
          if (number > maxRetries) throw error.finalError;
          // The delay lives here, not in a backoff: a `Retry-After` header replaces the computed one.
          if (error.delayMs > 0) await sleep(error.delayMs, signal);
        }
      }
    },
  };
}

/** Caches one policy per distinct `(maxRetries, timeoutMs)`, so a client builds each policy once. */
export function createPolicyCache(): (maxRetries: number, timeoutMs: number) => HttpPolicy {
  const policies = new Map<string, HttpPolicy>();
  return (maxRetries, timeoutMs) => {
    const key = `${maxRetries}:${timeoutMs}`;
    let policy = policies.get(key);
    if (!policy) {
      policy = createHttpPolicy(maxRetries, timeoutMs);
      policies.set(key, policy);
    }
    return policy;
  };
}

/** Waits `delayMs` with `setTimeout` (so fake timers drive it); rejects with the abort reason on abort. */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
