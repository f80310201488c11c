import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, DestinationError } from '../errors';
import { createEventBus, type RestsyncEvent } from '../events';
import {
  defaultDestinationRetryOptions,
  resolveDestinationRetryOptions,
  withDestinationRetry,
} from './destination-retry';

function setup() {
  const events: RestsyncEvent[] = [];
  const bus = createEventBus({ listeners: [(event) => events.push(event)] });
  return { events, context: { events: bus, options: defaultDestinationRetryOptions } };
}

const lostConnection = () =>
  new DestinationError('Lost the connection to Postgres at postgres://127.0.0.1:5999/test', {
    isRetryable: true,
  });

describe('withDestinationRetry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should repeat an operation that failed on a lost connection until it succeeds, waiting 2 s then 4 s', async () => {
    const { events, context } = setup();
    const work = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(lostConnection())
      .mockRejectedValueOnce(lostConnection())
      .mockResolvedValue('written');

    const result = withDestinationRetry('write a batch of 10 rows', work, context);
    await vi.advanceTimersByTimeAsync(6_000);

    await expect(result).resolves.toBe('written');
    expect(work).toHaveBeenCalledTimes(3);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'destination_retry',
        operation: 'write a batch of 10 rows',
        attempt: 1,
        delayMs: 2_000,
      }),
      expect.objectContaining({ type: 'destination_retry', attempt: 2, delayMs: 4_000 }),
    ]);
  });

  it('should give up after maxAttempts and throw the last error', async () => {
    const { events, context } = setup();
    const work = vi.fn<() => Promise<void>>().mockRejectedValue(lostConnection());

    const result = withDestinationRetry('write a batch of 10 rows', work, context);
    const assertion = expect(result).rejects.toThrow(/Lost the connection/);
    await vi.advanceTimersByTimeAsync(60_000);

    await assertion;
    expect(work).toHaveBeenCalledTimes(5);
    expect(events.map((event) => (event.type === 'destination_retry' ? event.delayMs : 0))).toEqual([
      2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it('should not repeat an error that is not retryable', async () => {
    const { events, context } = setup();
    const work = vi
      .fn<() => Promise<void>>()
      .mockRejectedValue(new DestinationError('column "id" is of type bigint'));

    await expect(withDestinationRetry('write a batch of 10 rows', work, context)).rejects.toThrow(/bigint/);
    expect(work).toHaveBeenCalledTimes(1);
    expect(events).toEqual([]);
  });

  it('should not repeat once the run is cancelled', async () => {
    const { context } = setup();
    const controller = new AbortController();
    const work = vi.fn<() => Promise<void>>().mockImplementation(async () => {
      controller.abort();
      throw lostConnection();
    });

    await expect(
      withDestinationRetry('write a batch of 10 rows', work, { ...context, signal: controller.signal }),
    ).rejects.toThrow(/Lost the connection/);
    expect(work).toHaveBeenCalledTimes(1);
  });
});

describe('resolveDestinationRetryOptions', () => {
  it('should reject a maxAttempts below 1 with its path', () => {
    expect(() => resolveDestinationRetryOptions({ maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => resolveDestinationRetryOptions({ maxAttempts: 0 })).toThrow(/destinationRetry.maxAttempts/);
  });
});
