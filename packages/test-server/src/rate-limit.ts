/** A published request limit the server enforces with 429s (see `TestServerOptions.rateLimit`). */
export interface ServerRateLimit {
  /** Collection requests admitted per second, on average (a token bucket). */
  requestsPerSecond: number;
  /** Requests admitted at once after an idle spell (the bucket's size; it starts full). @default requestsPerSecond */
  burst?: number;
  /** `Retry-After` of the 429, in seconds. @default 1 */
  retryAfterSeconds?: number;
}

/** Admits a request when the bucket holds a token; `now` is in milliseconds (monotonic). */
export function createRateLimitGate(
  limit: ServerRateLimit,
  now: () => number = () => performance.now(),
): { admit(): boolean } {
  const size = limit.burst ?? limit.requestsPerSecond;
  let tokens = size;
  let last = now();
  return {
    admit() {
      const current = now();
      tokens = Math.min(size, tokens + ((current - last) * limit.requestsPerSecond) / 1000);
      last = current;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
