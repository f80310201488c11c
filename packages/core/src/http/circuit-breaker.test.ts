import { describe, expect, it } from 'vitest';
import { ConfigError, HttpError } from '../errors';
import { createApiLimits } from './api-limits';
import { createCircuitBreaker } from './circuit-breaker';
import { createRestClient } from './rest-client';

const origin = 'https://api.example.test';

/** A fetch that answers every request with `status` (or throws for `'reset'`) and counts them. */
function countingFetch(answer: (call: number) => number | 'reset') {
  const calls: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const status = answer(calls.length);
    if (status === 'reset')
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    return new Response(status < 300 ? '{"data":[]}' : '{"error":"down"}', {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function clientWith(fetch: typeof globalThis.fetch, consecutiveFailures: number | undefined, maxRetries = 3) {
  return createRestClient({
    baseUrl: `${origin}/v1`,
    retry: { initialDelayMs: 0, maxRetries },
    fetch,
    limits: createApiLimits(
      consecutiveFailures === undefined ? {} : { circuitBreaker: { consecutiveFailures } },
    ),
  });
}

const get = (path: string) => ({ method: 'GET', url: path, headers: {} });

describe('createCircuitBreaker', () => {
  it('should fail fast, naming the API origin, once N attempts in a row got HTTP 5xx', async () => {
    const { fetch, calls } = countingFetch(() => 503);
    const client = clientWith(fetch, 3, 10);
    const failure = await client.send(get('/items'), { resource: 'items' }).catch((error: unknown) => error);
    expect(HttpError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toContain(
      `the API at ${origin} looks down: 3 requests in a row failed`,
    );
    expect((failure as Error).message).toContain('HTTP 503');
    expect(calls).toHaveLength(3);
    // Every later request, of any resource, fails without reaching the API.
    await expect(client.send(get('/other'), { resource: 'other' })).rejects.toThrow(/looks down/);
    expect(calls).toHaveLength(3);
  });

  it('should count requests that got no response (connection reset) as failures', async () => {
    const { fetch, calls } = countingFetch(() => 'reset');
    const client = clientWith(fetch, 2, 10);
    await expect(client.send(get('/items'), { resource: 'items' })).rejects.toThrow(/no response/);
    expect(calls).toHaveLength(2);
  });

  it('should start the count again after any answer that is not a 5xx', async () => {
    // 503, 503, 404 (the API is up), 503, 503: never three in a row.
    const statuses = [503, 503, 404, 503, 503, 200];
    const { fetch, calls } = countingFetch((call) => statuses[call - 1] ?? 200);
    const client = clientWith(fetch, 3, 10);
    await expect(client.send(get('/a'), { resource: 'a' })).rejects.toThrow(/HTTP 404/);
    await expect(client.send(get('/b'), { resource: 'b' })).resolves.toMatchObject({ status: 200 });
    expect(calls).toHaveLength(6);
  });

  it('should retry every request as configured when the breaker is off (the default)', async () => {
    const { fetch, calls } = countingFetch(() => 503);
    const client = clientWith(fetch, undefined, 4);
    await expect(client.send(get('/items'), { resource: 'items' })).rejects.toThrow(/HTTP 503/);
    await expect(client.send(get('/more'), { resource: 'items' })).rejects.toThrow(/HTTP 503/);
    expect(calls).toHaveLength(10);
  });

  it('should refuse a failure count below 1', () => {
    expect(() => createCircuitBreaker({ consecutiveFailures: 0 }, origin)).toThrow(ConfigError);
  });
});
