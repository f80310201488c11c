import type { LoadBatch, Row } from '@restsync/core';
import { systemColumns } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { childRow, childTable, project, rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/**
 * Nested data in the shape the `nesting` capability declares (flattened child tables or whole
 * documents), with the children of an updated parent replaced on merge. Skipped with `merge: false`.
 */
export function testDestinationNesting(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination nesting`, () => {
    const { newDataset, run, load, read, requires } = destinationHarness(options);

    it('nested - should replace the children of an updated parent on merge', async (context) => {
      await requires(context, 'merge', (capabilities) => capabilities.merge);
      const dataset = newDataset();
      const documents = (await options.create()).capabilities.nesting === 'documents';
      if (documents) {
        const table = rootTable(
          'orders',
          [
            ['id', 'bigint'],
            ['customer', 'json'],
            ['items', 'json'],
          ],
          { writeDisposition: 'merge', primaryKey: ['id'] },
        );
        const first = testLoadId();
        const order = (loadId: string, id: number, items: string[]) =>
          rootRow(loadId, {
            id,
            customer: { name: `c${id}`, address: { city: 'Oslo' } },
            items: items.map((sku) => ({ sku })),
          });
        await load(dataset, first, [
          [{ table, rows: [order(first, 1, ['A', 'B', 'C']), order(first, 2, ['D'])] }],
        ]);
        const second = testLoadId();
        await load(dataset, second, [
          [
            {
              table,
              rows: [order(second, 1, ['A2']), order(second, 3, ['E', 'F']), order(second, 3, ['G'])],
            },
          ],
        ]);
        expect(await read(dataset, 'orders', ['id', 'customer', 'items'])).toEqual([
          { id: 1, customer: { name: 'c1', address: { city: 'Oslo' } }, items: [{ sku: 'A2' }] },
          { id: 2, customer: { name: 'c2', address: { city: 'Oslo' } }, items: [{ sku: 'D' }] },
          { id: 3, customer: { name: 'c3', address: { city: 'Oslo' } }, items: [{ sku: 'G' }] },
        ]);
        return;
      }

      const orders = rootTable(
        'orders',
        [
          ['id', 'bigint'],
          ['status', 'text'],
          ['customer__name', 'text'],
          ['customer__address__city', 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const items = childTable('orders__items', orders, [
        ['sku', 'text'],
        ['qty', 'bigint'],
      ]);
      const tags = childTable('orders__items__tags', items, [['value', 'text']]);
      const tables = [orders, items, tags];
      /** Builds the rows of one order as the normalizer would: root, children, grandchildren. */
      const order = (loadId: string, id: number, status: string, lines: Array<[string, string[]]>) => {
        const root = rootRow(loadId, {
          id,
          status,
          customer__name: `c${id}`,
          customer__address__city: 'Oslo',
        });
        const itemRows: Row[] = [];
        const tagRows: Row[] = [];
        for (const [index, [sku, lineTags]] of lines.entries()) {
          const item = childRow(loadId, root, root, index, { sku, qty: index + 1 });
          itemRows.push(item);
          for (const [tagIndex, value] of lineTags.entries())
            tagRows.push(childRow(loadId, item, root, tagIndex, { value }));
        }
        return { root, itemRows, tagRows };
      };
      const batchOf = (...built: Array<ReturnType<typeof order>>): Omit<LoadBatch, 'loadId'> => ({
        schema: { version: 1, tables },
        tables: [
          { table: orders, rows: built.map((entry) => entry.root) },
          { table: items, rows: built.flatMap((entry) => entry.itemRows) },
          { table: tags, rows: built.flatMap((entry) => entry.tagRows) },
        ],
        states: [],
      });

      const first = testLoadId();
      await run(dataset, {
        loadId: first,
        batches: [
          batchOf(
            order(first, 1, 'new', [
              ['A', ['x', 'y']],
              ['B', []],
              ['C', []],
            ]),
            order(first, 2, 'new', [['D', ['z']]]),
          ),
        ],
        complete: [{ resource: 'orders', tables }],
      });
      expect(await read(dataset, 'orders__items', ['sku'])).toEqual([
        { sku: 'A' },
        { sku: 'B' },
        { sku: 'C' },
        { sku: 'D' },
      ]);

      const second = testLoadId();
      await run(dataset, {
        loadId: second,
        batches: [
          batchOf(
            order(second, 1, 'shipped', [['A2', []]]),
            order(second, 3, 'new', [
              ['E', ['e']],
              ['F', []],
            ]),
            order(second, 3, 'paid', [['G', ['g']]]),
          ),
        ],
        complete: [{ resource: 'orders', tables }],
      });

      const orderRows = await options.readRows(dataset, 'orders');
      expect(project(orderRows, ['id', 'status', 'customer__name', 'customer__address__city'])).toEqual([
        { id: 1, status: 'shipped', customer__name: 'c1', customer__address__city: 'Oslo' },
        { id: 2, status: 'new', customer__name: 'c2', customer__address__city: 'Oslo' },
        { id: 3, status: 'paid', customer__name: 'c3', customer__address__city: 'Oslo' },
      ]);
      const orderIdOf = new Map(orderRows.map((row) => [row[systemColumns.id], row.id]));
      const itemRows = await options.readRows(dataset, 'orders__items');
      const skusByOrder = project(
        itemRows.map((row) => ({
          order: orderIdOf.get(row[systemColumns.rootId]) ?? 'orphan',
          sku: row.sku,
        })),
        ['order', 'sku'],
      );
      expect(skusByOrder).toEqual([
        { order: 1, sku: 'A2' },
        { order: 2, sku: 'D' },
        { order: 3, sku: 'G' },
      ]);
      const tagRows = await options.readRows(dataset, 'orders__items__tags');
      expect(
        project(
          tagRows.map((row) => ({
            order: orderIdOf.get(row[systemColumns.rootId]) ?? 'orphan',
            value: row.value,
          })),
          ['order', 'value'],
        ),
      ).toEqual([
        { order: 2, value: 'z' },
        { order: 3, value: 'g' },
      ]);
    });
  });
}
