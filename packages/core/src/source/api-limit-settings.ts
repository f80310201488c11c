import { spellingsOf } from '../config/forms';
import { configKeys } from '../config/keys';
import type { CircuitBreakerOptions } from '../http/circuit-breaker';
import type { RateLimitOptions } from '../http/rate-limit';
import { isPlainObject } from './config-keys';
import type { Located } from './read-config';

/** The numeric keys of `kind`'s object, camelCase, read in either spelling. */
function camelNumbers(value: unknown, keys: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  if (!isPlainObject(value)) return result;
  for (const key of keys) {
    const found = spellingsOf(key).find((spelling) => typeof value[spelling] === 'number');
    if (found !== undefined) result[key] = value[found] as number;
  }
  return result;
}

/** A `rate_limit` object as `RateLimitOptions` (the schema has checked its values). */
export function readRateLimit(located: Located | undefined): RateLimitOptions | undefined {
  if (!isPlainObject(located?.value)) return undefined;
  return camelNumbers(located.value, configKeys.rateLimit);
}

/** A `circuit_breaker` object as `CircuitBreakerOptions`; undefined when it is off. */
export function readCircuitBreaker(located: Located | undefined): CircuitBreakerOptions | undefined {
  const { consecutiveFailures } = camelNumbers(located?.value, configKeys.circuitBreaker);
  return consecutiveFailures === undefined ? undefined : { consecutiveFailures };
}
