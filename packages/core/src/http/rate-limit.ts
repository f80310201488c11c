import { type BulkheadPolicy, bulkhead } from 'cockatiel';
import { TokenBucket } from 'limiter';
import { ConfigError } from '../errors';

/** A proactive limit on the requests sent to one API. Every field is optional; unset means no limit. */
export interface RateLimitOptions {
  /** Requests started per second, on average (a token bucket refilled at this rate). @default no limit */
  requestsPerSecond?: number;
  /**
   * Requests that may start at once after an idle spell (the bucket's size). 1 spaces requests
   * evenly, which stays under an API's per-second limit even when responses arrive unevenly.
   * @default 1
   */
  burst?: number;
  /** Requests in flight at once (a bulkhead); the others wait their turn. @default no limit */
  maxConcurrency?: number;
}

/** Lets a request go when a concurrency slot and a token are free; shared by every request it limits. */
export interface RateLimiter {
  /**
   * Runs `task` once the limit allows: it first waits for a concurrency slot, then for a token,
   * and keeps the slot until `task` settles. Rejects with the abort reason when `signal` aborts
   * while waiting.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Throws a `ConfigError` (at `path`) for a value that is not a valid limit. */
export function validateRateLimitOptions(options: RateLimitOptions, path: string): void {
  const issues = [];
  const { requestsPerSecond, burst, maxConcurrency } = options;
  if (requestsPerSecond !== undefined && !(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
    issues.push({
      path: `${path}.requestsPerSecond`,
      message: `must be a number > 0, got ${String(requestsPerSecond)}`,
    });
  }
  for (const [field, value] of [
    ['burst', burst],
    ['maxConcurrency', maxConcurrency],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      issues.push({ path: `${path}.${field}`, message: `must be a whole number >= 1, got ${String(value)}` });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

interface LimiterParts {
  bucket: TokenBucket | undefined;
  bulkhead: BulkheadPolicy | undefined;
}

const parts = new WeakMap<RateLimiter, LimiterParts>();

/**
 * A token bucket (the `limiter` package) for the rate and a cockatiel bulkhead for the
 * concurrency. With a `parent` (the API's limiter), a request also takes the parent's slot and
 * token, so a resource's own limit only ever narrows what the whole API gets.
 */
export function createRateLimiter(options: RateLimitOptions, parent?: RateLimiter): RateLimiter {
  validateRateLimitOptions(options, 'rateLimit');
  const parentParts = parent ? parts.get(parent) : undefined;
  const { requestsPerSecond, burst = 1, maxConcurrency } = options;
  const ownBucket =
    requestsPerSecond === undefined
      ? undefined
      : new TokenBucket({
          bucketSize: burst,
          tokensPerInterval: requestsPerSecond,
          interval: 1000,
          ...(parentParts?.bucket ? { parentBucket: parentParts.bucket } : {}),
        });
  // The bucket starts empty; a full one lets the first `burst` requests go at once.
  if (ownBucket) ownBucket.content = burst;
  const bucket = ownBucket ?? parentParts?.bucket;
  const ownBulkhead =
    maxConcurrency === undefined ? undefined : bulkhead(maxConcurrency, Number.POSITIVE_INFINITY);
  const bulkheads = [parentParts?.bulkhead, ownBulkhead].filter(
    (item): item is BulkheadPolicy => item !== undefined,
  );

  const limiter: RateLimiter = {
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const start = async (): Promise<T> => {
        if (bucket) await untilAborted(bucket.removeTokens(1), signal);
        return task();
      };
      const guarded = bulkheads.reduceRight<() => Promise<T>>(
        (inner, slot) => () => slot.execute(inner, signal),
        start,
      );
      return untilAborted(guarded(), signal);
    },
  };
  parts.set(limiter, { bucket, bulkhead: ownBulkhead ?? parentParts?.bulkhead });
  return limiter;
}
