import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors';
import { createRateLimiter, type RateLimiter } from './rate-limit';

/** Starts `count` tasks through `limiter` at once; `started` counts those the limiter let go. */
function startTasks(limiter: RateLimiter, count: number, signal?: AbortSignal) {
  const state = { started: 0, finishers: [] as (() => void)[] };
  const runs = Array.from({ length: count }, () =>
    limiter.run(
      () =>
        new Promise<void>((resolve) => {
          state.started += 1;
          state.finishers.push(resolve);
        }),
      signal,
    ),
  );
  for (const run of runs) run.catch(() => undefined);
  return { state, runs };
}

describe('createRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should space requests evenly at requestsPerSecond when burst is 1 (the default)', async () => {
    const { state } = startTasks(createRateLimiter({ requestsPerSecond: 10 }), 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.started).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.started).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.started).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.started).toBe(5);
  });

  it('should let `burst` requests go at once, then refill at requestsPerSecond', async () => {
    const { state } = startTasks(createRateLimiter({ requestsPerSecond: 10, burst: 3 }), 6);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.started).toBe(3);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.started).toBe(4);
    await vi.advanceTimersByTimeAsync(200);
    expect(state.started).toBe(6);
  });

  it('should never start more than requestsPerSecond requests in a second', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 20 });
    const { state } = startTasks(limiter, 100);
    await vi.advanceTimersByTimeAsync(0);
    for (let second = 1; second <= 4; second += 1) {
      const before = state.started;
      await vi.advanceTimersByTimeAsync(1000);
      expect(state.started - before).toBeLessThanOrEqual(20);
    }
  });

  it('should keep at most maxConcurrency requests in flight, starting the next when one ends', async () => {
    const { state, runs } = startTasks(createRateLimiter({ maxConcurrency: 2 }), 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.started).toBe(2);
    state.finishers[0]?.();
    await runs[0];
    await vi.advanceTimersByTimeAsync(0);
    expect(state.started).toBe(3);
  });

  it("should charge a resource's requests to the API's limiter too", async () => {
    const api = createRateLimiter({ requestsPerSecond: 10 });
    const resource = createRateLimiter({ requestsPerSecond: 100, burst: 5 }, api);
    const { state } = startTasks(resource, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.started).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.started).toBe(2);
  });

  it("should hold a resource's requests to its own lower rate inside the API's", async () => {
    const api = createRateLimiter({ requestsPerSecond: 100, burst: 10 });
    const resource = createRateLimiter({ requestsPerSecond: 2 }, api);
    const { state } = startTasks(resource, 3);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.started).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(state.started).toBe(2);
  });

  it('should reject a waiting request with the abort reason when its signal aborts', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1 });
    startTasks(limiter, 1);
    const controller = new AbortController();
    const { state, runs } = startTasks(limiter, 1, controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(runs[0]).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(5000);
    expect(state.started).toBe(0);
  });

  it('should refuse a rate, burst or concurrency that is not a positive number', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow(ConfigError);
    expect(() => createRateLimiter({ burst: 1.5 })).toThrow(/rateLimit\.burst: must be a whole number >= 1/);
    expect(() => createRateLimiter({ maxConcurrency: 0 })).toThrow(/rateLimit\.maxConcurrency/);
  });
});
