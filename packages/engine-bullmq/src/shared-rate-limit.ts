import { sleep } from '@restsync/core/adapter-utils';
import { Redis } from 'ioredis';
import { type BullmqSharedOptions, connectionOptions, keyPrefix } from './connection';

/** A `rate_limit` as a config writes it (either spelling). */
interface RateLimitConfig {
  requests_per_second?: unknown;
  requestsPerSecond?: unknown;
  burst?: unknown;
}

/**
 * A generic cell rate algorithm (a token bucket kept as one timestamp) on Redis's clock: returns 0
 * when a request may start now, else how many milliseconds to wait. Atomic, so every worker shares it.
 */
const takeTokenScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local due = tonumber(redis.call('GET', KEYS[1]) or '0')
if due < now then due = now end
if due - tolerance > now then return math.ceil(due - tolerance - now) end
redis.call('SET', KEYS[1], tostring(due + interval), 'PX', math.ceil(due + interval - now) + 1000)
return 0
`;

/** A limit on the requests every worker sends to one API, kept in Redis. */
export interface SharedRateLimit {
  /**
   * `fetch` that waits for the shared bucket of the request's origin before each request, when
   * `rateLimit` (the config's `client.rate_limit`) sets `requests_per_second`; else `fetch` itself.
   */
  fetchFor(rateLimit: unknown, fetch?: typeof globalThis.fetch): typeof globalThis.fetch;
  close(): Promise<void>;
}

/**
 * The config's `client.rate_limit.requests_per_second` held across every worker: a token bucket in
 * Redis per API origin (key `<prefix>:rate:<origin>`), refilled at that rate with the config's
 * `burst` (default 1, evenly spaced requests). Each worker's own limiter still applies too.
 */
export function sharedRateLimit(options: BullmqSharedOptions): SharedRateLimit {
  const prefix = keyPrefix(options);
  let redis: Redis | undefined;
  const client = () => {
    if (!redis) {
      const connection = connectionOptions(options.connection) as { url?: string };
      redis = connection.url
        ? new Redis(connection.url, { maxRetriesPerRequest: 3 })
        : new Redis({ ...(connection as object), maxRetriesPerRequest: 3 });
      redis.on('error', () => undefined);
    }
    return redis;
  };
  return {
    fetchFor(rateLimit, fetch = globalThis.fetch) {
      const config = (
        typeof rateLimit === 'object' && rateLimit !== null ? rateLimit : {}
      ) as RateLimitConfig;
      const perSecond = Number(config.requests_per_second ?? config.requestsPerSecond);
      if (!(Number.isFinite(perSecond) && perSecond > 0)) return fetch;
      const burst =
        Number.isInteger(config.burst) && (config.burst as number) >= 1 ? (config.burst as number) : 1;
      const interval = 1000 / perSecond;
      return async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const key = `${prefix}:rate:${new URL(url).origin}`;
        for (;;) {
          const wait = Number(await client().eval(takeTokenScript, 1, key, String(interval), String(burst)));
          if (wait <= 0) break;
          await sleep(wait, init?.signal ?? undefined);
        }
        return fetch(input, init);
      };
    },
    async close() {
      redis?.disconnect();
    },
  };
}
