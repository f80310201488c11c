import { pipeline } from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import { referenceRecords } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { failingStateClient, injectedStateFailure } from './sync-helpers/failing-state-client';
import { type MongodbTarget, openMongodbTarget } from './sync-helpers/mongodb-target';
import { seedSource, useSeedApi } from './sync-helpers/seed-source';

const recordCount = 1000;
const target: MongodbTarget = await openMongodbTarget();

function documents(dataset: string, collection: string) {
  return target.client
    .db(dataset)
    .collection(collection)
    .find({}, { sort: { _id: 1 } })
    .toArray();
}

/** Each stored document reduced to the record fields (plus `_id`), in `_id` order. */
async function storedRecords(dataset: string) {
  const stored = await documents(dataset, 'resource_name');
  return stored.map((document) => ({
    _id: document._id,
    id: document.id,
    name: document.name,
    value: document.value,
    updated_at: document.updated_at,
    nested: document.nested,
  }));
}

function expectedRecords(generation: number) {
  return [...referenceRecords(recordCount, generation)].map((record) => ({ _id: record.id, ...record }));
}

describe(`seed config synced into MongoDB (${target.label})`, () => {
  const seedApi = useSeedApi(recordCount, () => target.close());

  it('should hold exactly N documents with the second run values after syncing twice', async () => {
    const dataset = target.dataset('sync_twice');
    const run = () =>
      pipeline({ name: 'seed', destination: mongodb({ url: target.url }), dataset }).run(
        seedSource({ baseUrl: seedApi().url }),
      );
    const first = await run();
    expect(first.status).toBe('succeeded');
    expect(await storedRecords(dataset)).toEqual(expectedRecords(1));

    seedApi().setGeneration(2);
    const second = await run();

    expect(second.status).toBe('succeeded');
    const stored = await documents(dataset, 'resource_name');
    expect(stored).toHaveLength(recordCount);
    expect(new Set(stored.map((document) => document.id)).size).toBe(recordCount);
    expect(stored.every((document) => document._restsync_load_id === second.loadId)).toBe(true);
    expect(await storedRecords(dataset)).toEqual(expectedRecords(2));
    const loads = await documents(dataset, '_restsync_loads');
    expect(loads.map((load) => [load._id, load.status])).toEqual([
      [first.loadId, 'succeeded'],
      [second.loadId, 'succeeded'],
    ]);
    const states = await documents(dataset, '_restsync_state');
    expect(states).toEqual([
      expect.objectContaining({ resource: 'resource_name', status: 'complete', loadId: second.loadId }),
    ]);
  });

  it('should hold exactly one document per key after a failure between a batch and its state, then a rerun', async () => {
    const dataset = target.dataset('sync_state_lost');
    // State writes 1 and 2 belong to batches 1 and 2; the 3rd batch's state write fails.
    const failing = failingStateClient(target.client, { failOnStateWrite: 3 });
    const failure = await pipeline({
      name: 'seed',
      destination: mongodb({ client: failing }),
      dataset,
      batchSize: 200,
    })
      .run(seedSource({ baseUrl: seedApi().url }))
      .catch((error: unknown) => error);

    expect((failure as Error).message).toContain(injectedStateFailure);
    const states = await documents(dataset, '_restsync_state');
    expect(states).toEqual([
      expect.objectContaining({
        status: 'in_progress',
        checkpoint: expect.objectContaining({ offset: 400 }),
      }),
    ]);
    const [failedLoad] = await documents(dataset, '_restsync_loads');
    // Without transactions the 3rd batch is acknowledged before its state write fails (so the
    // rerun writes it again); in a transaction it is rolled back together with its state.
    const expectedAfterFailure = failedLoad?.mode === 'transaction' ? 400 : 600;
    expect(await documents(dataset, 'resource_name')).toHaveLength(expectedAfterFailure);

    const rerun = await pipeline({
      name: 'seed',
      destination: mongodb({ url: target.url }),
      dataset,
      batchSize: 200,
    }).run(seedSource({ baseUrl: seedApi().url }));

    expect(rerun.status).toBe('succeeded');
    // Resumed after batch 2: offsets 400..900.
    // The batch written without its state (offsets 400..599) is upserted again: 200 updated, 400 new.
    expect(rerun.resources.resource_name).toEqual({ rows: 600, pages: 6, inserted: 400, updated: 200 });
    const stored = await documents(dataset, 'resource_name');
    expect(stored).toHaveLength(recordCount);
    expect(new Set(stored.map((document) => document.id)).size).toBe(recordCount);
    expect(await storedRecords(dataset)).toEqual(expectedRecords(1));
    const loads = await documents(dataset, '_restsync_loads');
    expect(loads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'failed', error: expect.stringContaining(injectedStateFailure) }),
        expect.objectContaining({ _id: rerun.loadId, status: 'succeeded' }),
      ]),
    );
    expect(loads).toHaveLength(2);
  });
});
