import type { Schema, TableSchema } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { rootRow, rootTable, type TestTableOptions, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/** New columns, `bigint` → `double` widening, variant columns and stored schema versions. */
export function testDestinationSchemaEvolution(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination schema evolution`, () => {
    const { newDataset, open, close, run, read, capabilities } = destinationHarness(options);

    it('schema evolution - should add columns and widen bigint to double, keeping the old values', async () => {
      const dataset = newDataset();
      const { merge } = await capabilities();
      const disposition: TestTableOptions = merge
        ? { writeDisposition: 'merge', primaryKey: ['id'] }
        : { writeDisposition: 'append' };
      const before = rootTable(
        'metrics',
        [
          ['id', 'bigint'],
          ['amount', 'bigint'],
        ],
        disposition,
      );
      const after = rootTable(
        'metrics',
        [
          ['id', 'bigint'],
          ['amount', 'double'],
          ['note', 'text'],
        ],
        disposition,
      );
      const loadId = testLoadId();
      await run(dataset, {
        loadId,
        batches: [
          {
            schema: { version: 1, tables: [before] },
            tables: [
              {
                table: before,
                rows: [rootRow(loadId, { id: 1, amount: 10 }), rootRow(loadId, { id: 2, amount: 20 })],
              },
            ],
            states: [],
          },
          {
            schema: { version: 2, tables: [after] },
            tables: [
              {
                table: after,
                rows: [
                  rootRow(loadId, { id: 2, amount: 20.75, note: null }),
                  rootRow(loadId, { id: 3, amount: 2.5, note: 'new' }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'metrics', tables: [after] }],
      });
      expect(await read(dataset, 'metrics', ['id', 'amount', 'note'])).toEqual([
        { id: 1, amount: 10, note: null },
        // Without merge, the second row for id 2 is appended next to the first.
        ...(merge ? [] : [{ id: 2, amount: 20, note: null }]),
        { id: 2, amount: 20.75, note: null },
        { id: 3, amount: 2.5, note: 'new' },
      ]);
    });

    it('variant columns - should keep a value whose type conflicts in its variant column', async () => {
      const dataset = newDataset();
      const before = rootTable(
        'readings',
        [
          ['id', 'bigint'],
          ['value', 'bigint'],
        ],
        { writeDisposition: 'append' },
      );
      const after = rootTable(
        'readings',
        [
          ['id', 'bigint'],
          ['value', 'bigint'],
          ['value__v_text', 'text'],
        ],
        { writeDisposition: 'append' },
      );
      const loadId = testLoadId();
      await run(dataset, {
        loadId,
        batches: [
          { tables: [{ table: before, rows: [rootRow(loadId, { id: 1, value: 42 })] }], states: [] },
          {
            tables: [
              {
                table: after,
                rows: [
                  rootRow(loadId, { id: 2, value: null, value__v_text: 'n/a' }),
                  rootRow(loadId, { id: 3, value: 7 }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'readings', tables: [after] }],
      });
      expect(await read(dataset, 'readings', ['id', 'value', 'value__v_text'])).toEqual([
        { id: 1, value: 42, value__v_text: null },
        { id: 2, value: null, value__v_text: 'n/a' },
        { id: 3, value: 7, value__v_text: null },
      ]);
    });

    it('schema - should return the highest stored schema version', async () => {
      const dataset = newDataset();
      const version1: Schema = {
        version: 1,
        tables: [rootTable('items', [['id', 'bigint']], { writeDisposition: 'append' })],
      };
      const version2: Schema = {
        version: 2,
        tables: [
          rootTable(
            'items',
            [
              ['id', 'bigint'],
              ['name', 'text'],
            ],
            { writeDisposition: 'append' },
          ),
        ],
      };
      const loadId = testLoadId();
      const session = await open(dataset);
      const [table1] = version1.tables as [TableSchema];
      const [table2] = version2.tables as [TableSchema];
      await session.write({
        loadId,
        schema: version1,
        tables: [{ table: table1, rows: [rootRow(loadId, { id: 1 })] }],
        states: [],
      });
      expect(await session.readSchema()).toEqual(version1);
      await session.write({
        loadId,
        schema: version2,
        tables: [{ table: table2, rows: [rootRow(loadId, { id: 2, name: 'two' })] }],
        states: [],
      });
      await session.write({
        loadId,
        tables: [{ table: table2, rows: [rootRow(loadId, { id: 3, name: 'three' })] }],
        states: [],
      });
      await close(session);
      expect(await (await open(dataset)).readSchema()).toEqual(version2);
    });
  });
}
