import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DestinationSession, LeaseAttempt, LeaseHolder, LeaseRequest } from '../contracts/destination';
import { LeaseError, leaseTakenOverError } from '../errors';
import { createEventBus, type RestsyncEvent } from '../events';
import { createRedactor } from '../redact';
import { currentLeaseOwner, holdRunLease, resolveLeaseOptions } from './run-lease';

const otherHolder: LeaseHolder = {
  owner: { host: 'worker-7', pid: 4242, runId: 'load-other', startedAt: '2024-05-01T10:00:00.000Z' },
  version: 3,
  expiresAt: '2024-05-01T10:00:30.000Z',
};

/** A session whose lease is held by another run for the first `busyAttempts` attempts. */
function leaseSession(busyAttempts: number) {
  const calls: string[] = [];
  let attempts = 0;
  const renew = vi.fn(async () => {
    calls.push('renew');
  });
  const release = vi.fn(async () => {
    calls.push('release');
  });
  const session = {
    async acquireLease(_request: LeaseRequest): Promise<LeaseAttempt> {
      attempts += 1;
      calls.push('acquire');
      if (attempts <= busyAttempts) return { acquired: false, holder: otherHolder };
      return { acquired: true, lease: { version: 4, expiresAt: '2024-05-01T10:01:00.000Z', renew, release } };
    },
  } as Pick<DestinationSession, 'acquireLease'> as DestinationSession;
  return { session, calls, renew, release };
}

function options(overrides: { lockTimeoutMs?: number; leaseTtlMs?: number; signal?: AbortSignal } = {}) {
  const events: RestsyncEvent[] = [];
  return {
    events,
    options: {
      ...resolveLeaseOptions(overrides),
      pipeline: 'shop',
      dataset: 'shop_dataset',
      destination: 'postgres://db/test',
      owner: currentLeaseOwner('load-mine', Date.parse('2024-05-01T10:00:10.000Z')),
      events: createEventBus({ redactor: createRedactor([]), listeners: [(event) => events.push(event)] }),
      signal: overrides.signal,
    },
  };
}

describe('holdRunLease', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should fail at once with the pipeline and the holder (host, pid, started at) when no wait is allowed', async () => {
    const { session, calls } = leaseSession(Number.POSITIVE_INFINITY);
    const error = await holdRunLease(session, options().options).catch((failure: unknown) => failure);

    expect(LeaseError.isInstance(error)).toBe(true);
    expect((error as LeaseError).message).toContain(
      'Pipeline "shop" on dataset "shop_dataset" is already running',
    );
    expect((error as LeaseError).message).toContain('host worker-7, pid 4242');
    expect((error as LeaseError).message).toContain('started at 2024-05-01T10:00:00.000Z');
    expect((error as LeaseError).holder).toEqual(otherHolder);
    expect(calls).toEqual(['acquire']);
  });

  it('should wait for the holder and acquire the lease once it is free', async () => {
    const { session, calls } = leaseSession(3);
    const { options: leaseOptions, events } = options({ lockTimeoutMs: 60_000 });
    const held = holdRunLease(session, leaseOptions);
    await vi.advanceTimersByTimeAsync(5_000);

    await expect(held).resolves.toMatchObject({ release: expect.any(Function) });
    expect(calls).toEqual(['acquire', 'acquire', 'acquire', 'acquire']);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'lease_wait',
        holder: otherHolder,
        message: expect.stringContaining('pid 4242'),
      }),
    );
  });

  it('should give up with a LeaseError when the wait runs out', async () => {
    const { session } = leaseSession(Number.POSITIVE_INFINITY);
    const held = holdRunLease(session, options({ lockTimeoutMs: 3_000 }).options).catch(
      (failure: unknown) => failure,
    );
    await vi.advanceTimersByTimeAsync(3_500);

    const error = await held;
    expect(LeaseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('after waiting 3 s');
  });

  it('should stop waiting when the run is cancelled', async () => {
    const { session } = leaseSession(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const held = holdRunLease(session, options({ lockTimeoutMs: 60_000, signal: controller.signal }).options);
    await vi.advanceTimersByTimeAsync(1_500);
    controller.abort();

    await expect(held).resolves.toBe('cancelled');
  });

  it('should renew the lease every third of its TTL until released, then release it', async () => {
    const { session, renew, release } = leaseSession(0);
    const held = await holdRunLease(session, options({ leaseTtlMs: 3_000 }).options);
    if (held === 'cancelled') throw new Error('unexpected cancel');

    await vi.advanceTimersByTimeAsync(2_500);
    expect(renew).toHaveBeenCalledTimes(2);
    await held.release();
    await vi.advanceTimersByTimeAsync(5_000);

    expect(renew).toHaveBeenCalledTimes(2);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('should stop renewing and report it when another run took the lease over', async () => {
    const { session, renew } = leaseSession(0);
    renew.mockRejectedValueOnce(
      leaseTakenOverError({ pipeline: 'shop', dataset: 'shop_dataset', version: 4, holder: otherHolder }),
    );
    const { options: leaseOptions, events } = options({ leaseTtlMs: 3_000 });
    await holdRunLease(session, leaseOptions);

    await vi.advanceTimersByTimeAsync(10_000);

    expect(renew).toHaveBeenCalledTimes(1);
    expect(events).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining('was taken over') }),
    );
  });

  it('should keep renewing after a renewal failed on a lost connection', async () => {
    const { session, renew } = leaseSession(0);
    renew.mockRejectedValueOnce(new Error('connection terminated'));
    await holdRunLease(session, options({ leaseTtlMs: 3_000 }).options);

    await vi.advanceTimersByTimeAsync(3_500);

    expect(renew).toHaveBeenCalledTimes(3);
  });

  it('should warn and hold nothing when the destination has no leases', async () => {
    const { options: leaseOptions, events } = options();
    const held = await holdRunLease({} as DestinationSession, leaseOptions);

    expect(held).not.toBe('cancelled');
    expect(events).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('has no leases') }),
    );
  });
});

describe('resolveLeaseOptions', () => {
  it('should reject a negative wait and a TTL too short to renew', () => {
    expect(() => resolveLeaseOptions({ lockTimeoutMs: -1, leaseTtlMs: 10 })).toThrow(
      /lockTimeoutMs[\s\S]*leaseTtlMs/,
    );
  });
});
