import type { DestinationCapabilities, MergeStrategy, Scd2Settings } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { type ColumnSpec, rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

const counts = (capabilities: DestinationCapabilities) => capabilities.writeCounts === true;

const countsFor = (strategy: MergeStrategy) => (capabilities: DestinationCapabilities) =>
  counts(capabilities) &&
  capabilities.merge &&
  (capabilities.mergeStrategies ?? ['upsert']).includes(strategy);

const scd2Settings: Scd2Settings = {
  validFrom: '_restsync_valid_from',
  validTo: '_restsync_valid_to',
  activeRecordTimestamp: null,
  boundaryTimestamp: '2024-01-01T00:00:00.000Z',
};

const userColumns: ColumnSpec[] = [
  ['id', 'bigint'],
  ['name', 'text'],
];

/**
 * Write counts: what `write` reports per table (`WriteResult`) for append and for a merge of stored
 * and new keys. Skipped for a destination that does not declare `writeCounts`.
 */
export function testDestinationWriteCounts(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination write counts`, () => {
    const { newDataset, open, requires } = destinationHarness(options);

    it('write - should report every appended row as inserted', async (context) => {
      await requires(context, 'writeCounts', counts);
      const session = await open(newDataset());
      const table = rootTable('events', userColumns, { writeDisposition: 'append' });
      const loadId = testLoadId();
      const rows = [rootRow(loadId, { id: 1, name: 'a' }), rootRow(loadId, { id: 1, name: 'a' })];
      const result = await session.write({ loadId, tables: [{ table, rows }], states: [] });
      expect(result).toEqual({ tables: { events: { inserted: 2, updated: 0 } } });
    });

    it('merge - should report new keys as inserted and stored keys as updated', async (context) => {
      await requires(context, 'writeCounts and merge', countsFor('upsert'));
      const session = await open(newDataset());
      const table = rootTable('users', userColumns, { writeDisposition: 'merge', primaryKey: ['id'] });
      const first = testLoadId();
      const created = await session.write({
        loadId: first,
        tables: [
          {
            table,
            rows: [
              rootRow(first, { id: 1, name: 'Ada' }),
              rootRow(first, { id: 2, name: 'Brian' }),
              rootRow(first, { id: 3, name: 'Cleo' }),
            ],
          },
        ],
        states: [],
      });
      expect(created).toEqual({ tables: { users: { inserted: 3, updated: 0 } } });
      const second = testLoadId();
      const merged = await session.write({
        loadId: second,
        tables: [
          {
            table,
            rows: [
              rootRow(second, { id: 2, name: 'Brian K.' }),
              // Unchanged: still an update (the destination does not compare values).
              rootRow(second, { id: 3, name: 'Cleo' }),
              rootRow(second, { id: 4, name: 'Dee' }),
              // The same new key twice in one batch: one row inserted.
              rootRow(second, { id: 5, name: 'Eve' }),
              rootRow(second, { id: 5, name: 'Eve 2' }),
            ],
          },
        ],
        states: [],
      });
      expect(merged).toEqual({ tables: { users: { inserted: 2, updated: 2 } } });
    });

    it('delete-insert - should report rows that replaced stored ones as updated, the others as inserted', async (context) => {
      await requires(context, 'writeCounts and the delete-insert strategy', countsFor('delete-insert'));
      const session = await open(newDataset());
      const table = rootTable('orders', userColumns, {
        writeDisposition: 'merge',
        mergeStrategy: 'delete-insert',
        primaryKey: ['id'],
      });
      const first = testLoadId();
      const created = await session.write({
        loadId: first,
        tables: [
          {
            table,
            rows: [rootRow(first, { id: 1, name: 'one' }), rootRow(first, { id: 2, name: 'two' })],
          },
        ],
        states: [],
      });
      expect(created).toEqual({ tables: { orders: { inserted: 2, updated: 0 } } });
      const second = testLoadId();
      const replaced = await session.write({
        loadId: second,
        tables: [
          {
            table,
            rows: [rootRow(second, { id: 2, name: 'two v2' }), rootRow(second, { id: 3, name: 'three' })],
          },
        ],
        states: [],
      });
      expect(replaced).toEqual({ tables: { orders: { inserted: 1, updated: 1 } } });
    });

    it('scd2 - should report new records as inserted, changed records as updated, unchanged ones in neither', async (context) => {
      await requires(context, 'writeCounts and the scd2 strategy', countsFor('scd2'));
      const session = await open(newDataset());
      const table = rootTable('people', userColumns, {
        writeDisposition: 'merge',
        mergeStrategy: 'scd2',
        primaryKey: ['id'],
        scd2: scd2Settings,
      });
      const first = testLoadId();
      const created = await session.write({
        loadId: first,
        tables: [
          {
            table,
            rows: [rootRow(first, { id: 1, name: 'Ada' }), rootRow(first, { id: 2, name: 'Brian' })],
          },
        ],
        states: [],
      });
      expect(created).toEqual({ tables: { people: { inserted: 2, updated: 0 } } });
      const second = testLoadId();
      const changed = await session.write({
        loadId: second,
        tables: [
          {
            table: { ...table, scd2: { ...scd2Settings, boundaryTimestamp: '2024-02-01T00:00:00.000Z' } },
            rows: [
              rootRow(second, { id: 1, name: 'Ada' }),
              rootRow(second, { id: 2, name: 'Brian K.' }),
              rootRow(second, { id: 3, name: 'Cleo' }),
            ],
          },
        ],
        states: [],
      });
      expect(changed).toEqual({ tables: { people: { inserted: 1, updated: 1 } } });
    });
  });
}
