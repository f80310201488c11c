import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from './circuit-breaker';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit';
import type { AttemptGate } from './retry-policy';

/** What limits the requests to each API in one run. */
export interface ApiLimitsOptions {
  /** Applied to each API origin separately. @default no limit */
  rateLimit?: RateLimitOptions;
  /** One breaker per API origin. @default off */
  circuitBreaker?: CircuitBreakerOptions;
}

/**
 * The rate limiters and circuit breakers of one run, one per API origin, shared by every client,
 * resource and request sequence of the run, so together they stay under the API's limit.
 */
export interface ApiLimits {
  /** The gate every attempt to `origin` passes; `resourceLimiter` narrows it for one resource. */
  gate(origin: string, resourceLimiter?: RateLimiter): AttemptGate | undefined;
  /** A limiter for one resource's own `rateLimit`, inside the limit of the API at `origin`. */
  resourceLimiter(origin: string, options: RateLimitOptions): RateLimiter;
}

export function createApiLimits(options: ApiLimitsOptions = {}): ApiLimits {
  const limiters = new Map<string, RateLimiter>();
  const breakers = new Map<string, CircuitBreaker>();
  const { rateLimit, circuitBreaker } = options;

  const limiterFor = (origin: string): RateLimiter | undefined => {
    if (!rateLimit) return undefined;
    let limiter = limiters.get(origin);
    if (!limiter) {
      limiter = createRateLimiter(rateLimit);
      limiters.set(origin, limiter);
    }
    return limiter;
  };

  const breakerFor = (origin: string): CircuitBreaker | undefined => {
    if (!circuitBreaker) return undefined;
    let breaker = breakers.get(origin);
    if (!breaker) {
      breaker = createCircuitBreaker(circuitBreaker, origin);
      breakers.set(origin, breaker);
    }
    return breaker;
  };

  return {
    gate(origin, resourceLimiter) {
      const limiter = resourceLimiter ?? limiterFor(origin);
      const breaker = breakerFor(origin);
      if (!(limiter || breaker)) return undefined;
      return {
        run(attempt, signal) {
          const guarded = breaker ? () => breaker.run(attempt) : attempt;
          return limiter ? limiter.run(guarded, signal) : guarded();
        },
      };
    },
    resourceLimiter(origin, resourceOptions) {
      return createRateLimiter(resourceOptions, limiterFor(origin));
    },
  };
}
