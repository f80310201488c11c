import type { LoadBatch, PaginatorCheckpoint, ResourceState } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import {
  epochMilliseconds,
  field,
  resourceState,
  rootRow,
  rootTable,
  testLoadId,
} from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/** A checkpoint no serializer accepts: a BigInt (JSON) inside a circular object (JSON and BSON). */
function poisonedCheckpoint(): PaginatorCheckpoint {
  const poisoned: Record<string, unknown> = { offset: 4, total: 10n };
  poisoned.self = poisoned;
  return poisoned;
}

/**
 * Rows and state written atomically, rerun idempotence, the state document kept whole per pipeline
 * and resource, and the loads records.
 */
export function testDestinationStateAndAtomicity(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination state and atomicity`, () => {
    const { newDataset, open, close, read, capabilities, requires } = destinationHarness(options);

    it('write - should write rows and state atomically: a batch whose state cannot be stored leaves nothing behind', async () => {
      const dataset = newDataset();
      const { transactions } = await capabilities();
      const table = rootTable(
        'items',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'append' },
      );
      const loadId = testLoadId();
      const session = await open(dataset);
      await session.write({
        loadId,
        tables: [{ table, rows: [rootRow(loadId, { id: 1, name: 'one' })] }],
        states: [resourceState('items', loadId, { offset: 1 })],
      });
      await expect(
        session.write({
          loadId,
          tables: [{ table, rows: [rootRow(loadId, { id: 2, name: 'two' })] }],
          states: [resourceState('items', loadId, poisonedCheckpoint())],
        }),
      ).rejects.toThrow();
      if (transactions) {
        expect(await read(dataset, 'items', ['id', 'name'])).toEqual([{ id: 1, name: 'one' }]);
        expect((await session.readState('items'))?.checkpoint).toEqual({ offset: 1 });
      }
    });

    it('write - should load each key once when a run that failed partway is rerun', async (context) => {
      await requires(context, 'merge', (declared) => declared.merge);
      const dataset = newDataset();
      const { transactions } = await capabilities();
      const table = rootTable(
        'items',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const firstBatch = (loadId: string): LoadBatch => ({
        loadId,
        tables: [
          { table, rows: [rootRow(loadId, { id: 1, name: 'one' }), rootRow(loadId, { id: 2, name: 'two' })] },
        ],
        states: [resourceState('items', loadId, { offset: 2 })],
      });
      const secondBatch = (loadId: string, checkpoint: PaginatorCheckpoint): LoadBatch => ({
        loadId,
        tables: [
          {
            table,
            rows: [rootRow(loadId, { id: 2, name: 'two v2' }), rootRow(loadId, { id: 3, name: 'three' })],
          },
        ],
        states: [resourceState('items', loadId, checkpoint)],
      });

      const failing = testLoadId();
      const session = await open(dataset);
      await session.write(firstBatch(failing));
      await expect(session.write(secondBatch(failing, poisonedCheckpoint()))).rejects.toThrow();
      if (transactions) {
        expect(await read(dataset, 'items', ['id', 'name'])).toEqual([
          { id: 1, name: 'one' },
          { id: 2, name: 'two' },
        ]);
      }
      await close(session);

      const rerun = testLoadId();
      const again = await open(dataset);
      await again.write(firstBatch(rerun));
      await again.write(secondBatch(rerun, { offset: 4 }));
      expect(await read(dataset, 'items', ['id', 'name'])).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two v2' },
        { id: 3, name: 'three' },
      ]);
      expect((await again.readState('items'))?.checkpoint).toEqual({ offset: 4 });
    });

    it('state - should round-trip the state of each resource per pipeline', async () => {
      const dataset = newDataset();
      const table = rootTable('items', [['id', 'bigint']], { writeDisposition: 'append' });
      const loadId = testLoadId();
      const checkpoint = { offset: 100, cursor: 'abc', nested: { list: [1, 'two', null, true] } };
      const state: ResourceState = resourceState('items', loadId, checkpoint);
      const writer = await open(dataset, 'pipeline_a');
      await writer.write({
        loadId,
        tables: [{ table, rows: [rootRow(loadId, { id: 1 })] }],
        states: [state],
      });
      await close(writer);

      const reader = await open(dataset, 'pipeline_a');
      const stored = await reader.readState('items');
      expect(stored).toMatchObject({ resource: 'items', status: 'in_progress', checkpoint, loadId });
      expect(epochMilliseconds(stored?.updatedAt)).toBe(Date.parse(state.updatedAt));
      expect(await reader.readState('other')).toBeUndefined();
      await reader.completeResource({
        loadId,
        resource: 'items',
        writeDisposition: 'append',
        tables: [table],
        state: resourceState('items', loadId, undefined, 'complete'),
      });
      const completed = await reader.readState('items');
      expect(completed?.status).toBe('complete');
      expect(completed?.checkpoint).toBeUndefined();

      const otherPipeline = await open(dataset, 'pipeline_b');
      expect(await otherPipeline.readState('items')).toBeUndefined();
    });

    it('state - should store the state document whole, fields it does not know included', async () => {
      const dataset = newDataset();
      const table = rootTable('items', [['id', 'bigint']], { writeDisposition: 'append' });
      const loadId = testLoadId();
      // Every field of the document, keys with dots and dollars, and a field a newer restsync might add.
      const document = {
        ...resourceState('items', loadId, { 'page.token': 'a.b', $offset: 300 }),
        incremental: { cursors: { '': { cursorPath: 'updated_at', lastValue: '2024-01-02T03:04:05Z' } } },
        parents: {
          'parent.1': { status: 'in_progress', checkpoint: { page: 2 } },
          parent_2: { status: 'complete' },
        },
        lease: { owner: 'worker-1', version: 3, expiresAt: '2024-01-02T03:09:05.000Z' },
        futureField: { nested: [1, 'two', null, { deep: true }], empty: {} },
      } as ResourceState;
      const session = await open(dataset);
      await session.write({
        loadId,
        tables: [{ table, rows: [rootRow(loadId, { id: 1 })] }],
        states: [document],
      });
      await close(session);

      const reader = await open(dataset);
      expect(await reader.readState('items')).toEqual(document);
      const completed = {
        ...resourceState('items', loadId, undefined, 'complete'),
        incremental: { cursors: { '': { cursorPath: 'updated_at', lastValue: 1_700_000_000 } } },
        lease: { owner: 'worker-2', version: 4 },
      } as ResourceState;
      await reader.completeResource({
        loadId,
        resource: 'items',
        writeDisposition: 'append',
        tables: [table],
        state: completed,
      });
      // The new document replaces the old one whole: nothing of the old one is merged in.
      expect(await reader.readState('items')).toEqual(completed);
    });

    it('loads - should record the start and the end of every run', async () => {
      const dataset = newDataset();
      const session = await open(dataset);
      const loadId = testLoadId();
      const startedAt = new Date().toISOString();
      await session.startLoad({ loadId, pipeline: 'conformance', dataset, status: 'running', startedAt });
      const running = (await options.readRows(dataset, '_restsync_loads')).find(
        (row) => field(row, 'load_id', 'loadId', '_id') === loadId,
      );
      expect(running && field(running, 'status')).toBe('running');
      expect(running && field(running, 'finished_at', 'finishedAt')).toBeFalsy();
      expect(epochMilliseconds(running && field(running, 'started_at', 'startedAt'))).toBe(
        Date.parse(startedAt),
      );

      await session.finishLoad({
        loadId,
        pipeline: 'conformance',
        dataset,
        status: 'succeeded',
        startedAt,
        finishedAt: new Date().toISOString(),
        rows: { items: 3, items__tags: 5 },
      });
      const failedId = testLoadId();
      await session.startLoad({
        loadId: failedId,
        pipeline: 'conformance',
        dataset,
        status: 'running',
        startedAt,
      });
      await session.finishLoad({
        loadId: failedId,
        pipeline: 'conformance',
        dataset,
        status: 'failed',
        startedAt,
        finishedAt: new Date().toISOString(),
        error: 'resource "items": GET https://api.example.test/items failed with HTTP 500',
      });

      const loads = await options.readRows(dataset, '_restsync_loads');
      const byId = new Map(loads.map((row) => [field(row, 'load_id', 'loadId', '_id'), row]));
      const succeeded = byId.get(loadId) ?? {};
      expect(field(succeeded, 'status')).toBe('succeeded');
      expect(field(succeeded, 'finished_at', 'finishedAt')).toBeTruthy();
      expect(field(succeeded, 'rows')).toEqual({ items: 3, items__tags: 5 });
      const failed = byId.get(failedId) ?? {};
      expect(field(failed, 'status')).toBe('failed');
      expect(field(failed, 'error')).toContain('HTTP 500');
    });
  });
}
