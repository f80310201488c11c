import { afterEach, describe, expect, it } from 'vitest';
import { TestServerOptionsError } from './errors';
import { createRateLimitGate } from './rate-limit';
import { startTestServer, type TestServer } from './test-server';

describe('createRateLimitGate', () => {
  it('should admit a full bucket at once, then requestsPerSecond per second', () => {
    let now = 0;
    const gate = createRateLimitGate({ requestsPerSecond: 20 }, () => now);
    const admitted = () => Array.from({ length: 30 }, () => gate.admit()).filter(Boolean).length;
    expect(admitted()).toBe(20);
    now += 500;
    expect(admitted()).toBe(10);
    now += 50;
    expect(admitted()).toBe(1);
  });

  it('should hold a smaller burst than the rate when one is set', () => {
    let now = 0;
    const gate = createRateLimitGate({ requestsPerSecond: 20, burst: 2 }, () => now);
    expect([gate.admit(), gate.admit(), gate.admit()]).toEqual([true, true, false]);
    now += 10_000;
    expect([gate.admit(), gate.admit(), gate.admit()]).toEqual([true, true, false]);
  });
});

describe('startTestServer({ rateLimit })', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('should answer collection requests above the limit with a 429, Retry-After and a JSON error', async () => {
    server = await startTestServer({
      collections: { items: { records: 10 } },
      rateLimit: { requestsPerSecond: 0.01, burst: 3, retryAfterSeconds: 2 },
    });
    const responses = [];
    for (let index = 0; index < 5; index += 1) responses.push(await fetch(`${server.url}/v1/items`));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 429]);
    expect(responses[3]?.headers.get('retry-after')).toBe('2');
    expect(await responses[3]?.json()).toMatchObject({ error: { status: 429 } });
    expect(server.requests.map((request) => request.status)).toEqual([200, 200, 200, 429, 429]);
    expect(server.stats()).toMatchObject({ requests: 3, served: 3, rateLimited: 2 });
    // The health check is not limited.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('should refuse a rate that is not a positive number', async () => {
    await expect(startTestServer({ rateLimit: { requestsPerSecond: 0 } })).rejects.toThrow(
      TestServerOptionsError,
    );
  });
});
