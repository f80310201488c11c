import { systemColumns } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { project, rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/** Merge: upserts on the primary key, the last of repeated keys wins, composite keys. Skipped with `merge: false`. */
export function testDestinationMerge(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination merge`, () => {
    const { newDataset, load, read, requires } = destinationHarness(options);

    it('merge - should update rows by primary key and insert new ones', async (context) => {
      await requires(context, 'merge', (capabilities) => capabilities.merge);
      const dataset = newDataset();
      const table = rootTable(
        'users',
        [
          ['id', 'bigint'],
          ['name', 'text'],
          ['age', 'bigint'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const first = testLoadId();
      await load(dataset, first, [
        [
          {
            table,
            rows: [
              rootRow(first, { id: 1, name: 'Ada', age: 36 }),
              rootRow(first, { id: 2, name: 'Brian', age: 40 }),
              rootRow(first, { id: 3, name: 'Cleo', age: 25 }),
            ],
          },
        ],
      ]);
      const second = testLoadId();
      await load(dataset, second, [
        [
          {
            table,
            rows: [
              rootRow(second, { id: 2, name: 'Brian K.', age: null }),
              rootRow(second, { id: 4, name: 'Dee', age: 31 }),
            ],
          },
        ],
      ]);
      expect(await read(dataset, 'users', ['id', 'name', 'age'])).toEqual([
        { id: 1, name: 'Ada', age: 36 },
        { id: 2, name: 'Brian K.', age: null },
        { id: 3, name: 'Cleo', age: 25 },
        { id: 4, name: 'Dee', age: 31 },
      ]);
      const loadIds = project(await options.readRows(dataset, 'users'), ['id', systemColumns.loadId]);
      expect(loadIds.map((row) => row[systemColumns.loadId])).toEqual([first, second, first, second]);
    });

    it('merge - should keep the last record when a key repeats inside a batch and across batches', async (context) => {
      await requires(context, 'merge', (capabilities) => capabilities.merge);
      const dataset = newDataset();
      const table = rootTable(
        'prices',
        [
          ['sku', 'text'],
          ['price', 'double'],
        ],
        { writeDisposition: 'merge', primaryKey: ['sku'] },
      );
      const loadId = testLoadId();
      const row = (sku: string, price: number) => rootRow(loadId, { sku, price });
      await load(dataset, loadId, [
        [{ table, rows: [row('a', 1), row('b', 1), row('a', 2), row('a', 3)] }],
        [{ table, rows: [row('b', 5), row('c', 1), row('b', 6)] }],
      ]);
      expect(await read(dataset, 'prices', ['sku', 'price'])).toEqual([
        { sku: 'a', price: 3 },
        { sku: 'b', price: 6 },
        { sku: 'c', price: 1 },
      ]);
    });

    it('merge - should upsert on a composite primary key', async (context) => {
      await requires(context, 'merge', (capabilities) => capabilities.merge);
      const dataset = newDataset();
      const table = rootTable(
        'memberships',
        [
          ['tenant', 'text'],
          ['id', 'bigint'],
          ['role', 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['tenant', 'id'] },
      );
      const first = testLoadId();
      await load(dataset, first, [
        [
          {
            table,
            rows: [
              rootRow(first, { tenant: 'acme', id: 1, role: 'admin' }),
              rootRow(first, { tenant: 'globex', id: 1, role: 'viewer' }),
              rootRow(first, { tenant: 'acme', id: 2, role: 'viewer' }),
            ],
          },
        ],
      ]);
      const second = testLoadId();
      await load(dataset, second, [
        [
          {
            table,
            rows: [
              rootRow(second, { tenant: 'globex', id: 1, role: 'owner' }),
              rootRow(second, { tenant: 'globex', id: 2, role: 'viewer' }),
            ],
          },
        ],
      ]);
      expect(await read(dataset, 'memberships', ['tenant', 'id', 'role'])).toEqual([
        { tenant: 'acme', id: 1, role: 'admin' },
        { tenant: 'acme', id: 2, role: 'viewer' },
        { tenant: 'globex', id: 1, role: 'owner' },
        { tenant: 'globex', id: 2, role: 'viewer' },
      ]);
    });
  });
}
