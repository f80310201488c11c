import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DestinationSession,
  type Lease,
  type LeaseAttempt,
  LeaseError,
  type LeaseOwner,
  type LoadBatch,
} from '@restsync/core';
import { describe, expect, it, type TestContext } from 'vitest';
import { resourceState, rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/** A lease long enough never to expire during a test. */
const longTtlMs = 600_000;
/** A lease short enough to expire quickly; the tests wait for the expiry, they never time it. */
const shortTtlMs = 300;

function owner(runId: string, pid: number): LeaseOwner {
  return { host: 'conformance-host', pid, runId, startedAt: '2024-05-01T10:00:00.000Z' };
}

function acquired(attempt: LeaseAttempt): Lease {
  if (!attempt.acquired)
    throw new Error(`expected the lease, but it is held by run ${attempt.holder.owner.runId}`);
  return attempt.lease;
}

/** Tries to acquire until the other run's lease expired (at most ~20 s, for a busy machine). */
async function acquireAfterExpiry(session: DestinationSession, runOwner: LeaseOwner): Promise<Lease> {
  const acquire = session.acquireLease?.bind(session);
  if (!acquire) throw new Error('the session has no acquireLease');
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const result = await acquire({ owner: runOwner, ttlMs: longTtlMs });
    if (result.acquired) return result.lease;
    await sleep(100);
  }
  throw new Error('the expired lease was never taken over');
}

/**
 * One active run per pipeline and dataset: `acquireLease` gives the lease to one run and names the
 * holder to the others, an expired lease is taken over with a higher version (fencing token),
 * `release` frees it at once, and a run whose lease was taken over cannot write any more. Skipped
 * for a destination whose sessions have no `acquireLease`.
 */
export function testDestinationLease(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination lease`, () => {
    const { newDataset, open, read } = destinationHarness(options);

    const openWithLeases = async (context: TestContext, dataset: string, pipeline = 'conformance') => {
      const session = await open(dataset, pipeline);
      if (!session.acquireLease) context.skip('the destination sessions have no acquireLease');
      return session as DestinationSession & Required<Pick<DestinationSession, 'acquireLease'>>;
    };

    const itemsBatch = (loadId: string, id: number): LoadBatch => ({
      loadId,
      tables: [
        {
          table: rootTable('items', [['id', 'bigint']], { writeDisposition: 'append' }),
          rows: [rootRow(loadId, { id })],
        },
      ],
      states: [resourceState('items', loadId, { offset: id })],
    });

    it('acquireLease - should give the lease to one run and name the holder to the next', async (context) => {
      const dataset = newDataset();
      const first = await openWithLeases(context, dataset);
      const second = await openWithLeases(context, dataset);

      const lease = acquired(await first.acquireLease({ owner: owner('run-a', 101), ttlMs: longTtlMs }));
      const attempt = await second.acquireLease({ owner: owner('run-b', 202), ttlMs: longTtlMs });

      expect(lease.version).toBeGreaterThanOrEqual(1);
      expect(attempt.acquired).toBe(false);
      if (attempt.acquired) return;
      expect(attempt.holder.owner).toEqual(owner('run-a', 101));
      expect(attempt.holder.version).toBe(lease.version);
      expect(Date.parse(attempt.holder.expiresAt)).toBeGreaterThan(Date.now());
    });

    it('acquireLease - should keep the leases of different pipelines on one dataset apart', async (context) => {
      const dataset = newDataset();
      const first = await openWithLeases(context, dataset, 'pipeline_a');
      const second = await openWithLeases(context, dataset, 'pipeline_b');

      acquired(await first.acquireLease({ owner: owner('run-a', 101), ttlMs: longTtlMs }));
      const attempt = await second.acquireLease({ owner: owner('run-b', 202), ttlMs: longTtlMs });

      expect(attempt.acquired).toBe(true);
    });

    it('acquireLease - should let the run holding the lease acquire it again (a repeat after a lost connection)', async (context) => {
      const dataset = newDataset();
      const session = await openWithLeases(context, dataset);

      const lease = acquired(await session.acquireLease({ owner: owner('run-a', 101), ttlMs: longTtlMs }));
      const again = acquired(await session.acquireLease({ owner: owner('run-a', 101), ttlMs: longTtlMs }));

      expect(again.version).toBeGreaterThan(lease.version);
      await session.write(itemsBatch(testLoadId(), 1));
      expect(await read(dataset, 'items', ['id'])).toEqual([{ id: 1 }]);
    });

    it('acquireLease - should take over an expired lease with a higher version', async (context) => {
      const dataset = newDataset();
      const killed = await openWithLeases(context, dataset);
      const next = await openWithLeases(context, dataset);

      const stale = acquired(await killed.acquireLease({ owner: owner('run-a', 101), ttlMs: shortTtlMs }));
      const lease = await acquireAfterExpiry(next, owner('run-b', 202));

      expect(lease.version).toBeGreaterThan(stale.version);
      const attempt = await killed.acquireLease({ owner: owner('run-c', 303), ttlMs: longTtlMs });
      expect(attempt.acquired).toBe(false);
      if (!attempt.acquired) expect(attempt.holder.owner.runId).toBe('run-b');
    });

    it('release - should free the lease at once, and the next acquire gets a higher version', async (context) => {
      const dataset = newDataset();
      const first = await openWithLeases(context, dataset);
      const second = await openWithLeases(context, dataset);

      const lease = acquired(await first.acquireLease({ owner: owner('run-a', 101), ttlMs: longTtlMs }));
      await lease.release();
      const next = acquired(await second.acquireLease({ owner: owner('run-b', 202), ttlMs: longTtlMs }));

      expect(next.version).toBeGreaterThan(lease.version);
    });

    it('renew - should keep the lease past its first expiry', async (context) => {
      const dataset = newDataset();
      const holder = await openWithLeases(context, dataset);
      const other = await openWithLeases(context, dataset);

      const lease = acquired(await holder.acquireLease({ owner: owner('run-a', 101), ttlMs: 5_000 }));
      const before = Date.parse(lease.expiresAt);
      await sleep(50);
      await lease.renew();

      expect(Date.parse(lease.expiresAt)).toBeGreaterThan(before);
      expect((await other.acquireLease({ owner: owner('run-b', 202), ttlMs: longTtlMs })).acquired).toBe(
        false,
      );
    });

    it('write - should refuse the writes of a run whose lease was taken over, and keep the new holder’s', async (context) => {
      const dataset = newDataset();
      const stale = await openWithLeases(context, dataset);
      const current = await openWithLeases(context, dataset);
      const staleLoad = testLoadId();
      const currentLoad = testLoadId();

      const staleLease = acquired(
        await stale.acquireLease({ owner: owner('run-a', 101), ttlMs: shortTtlMs }),
      );
      await stale.write(itemsBatch(staleLoad, 1));
      await acquireAfterExpiry(current, owner('run-b', 202));
      await current.write(itemsBatch(currentLoad, 2));

      const refused = await stale.write(itemsBatch(staleLoad, 3)).catch((error: unknown) => error);
      expect(LeaseError.isInstance(refused)).toBe(true);
      expect((refused as Error).message).toContain('conformance-host');
      await expect(staleLease.renew()).rejects.toSatisfy((error) => LeaseError.isInstance(error));
      const refusedCompletion = await stale
        .completeResource({
          loadId: staleLoad,
          resource: 'items',
          writeDisposition: 'append',
          tables: [rootTable('items', [['id', 'bigint']], { writeDisposition: 'append' })],
          state: resourceState('items', staleLoad, undefined, 'complete'),
        })
        .catch((error: unknown) => error);
      expect(LeaseError.isInstance(refusedCompletion)).toBe(true);
      await staleLease.release();

      expect(await read(dataset, 'items', ['id'])).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await current.readState('items'))?.checkpoint).toEqual({ offset: 2 });
      await current.write(itemsBatch(currentLoad, 4));
      expect(await read(dataset, 'items', ['id'])).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    });
  });
}
