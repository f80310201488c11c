import { describe, expect, it } from 'vitest';
import { rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/** Table and column names with reserved words, spaces, quotes and unicode. */
export function testDestinationNames(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination names`, () => {
    const { newDataset, run, load, read, capabilities } = destinationHarness(options);

    it('identifiers - should load tables and columns named with reserved words, spaces, quotes and unicode', async () => {
      const dataset = newDataset();
      const awkward = 'x"; DROP TABLE "select"; --';
      const { merge } = await capabilities();
      const table = rootTable(
        'select',
        [
          ['user id', 'bigint'],
          ['"quoted"', 'text'],
          ['ünïcode', 'text'],
          ['order', 'bigint'],
          [awkward, 'text'],
        ],
        merge ? { writeDisposition: 'merge', primaryKey: ['user id'] } : { writeDisposition: 'append' },
      );
      const other = rootTable('ünïcode "täble"', [['group', 'text']], { writeDisposition: 'append' });
      const first = testLoadId();
      await run(dataset, {
        loadId: first,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  rootRow(first, {
                    'user id': 1,
                    '"quoted"': `it's "fine"`,
                    ünïcode: 'ü',
                    order: 1,
                    [awkward]: 'kept',
                  }),
                  rootRow(first, { 'user id': 2, '"quoted"': 'b', ünïcode: 'ï', order: 2, [awkward]: null }),
                ],
              },
              { table: other, rows: [rootRow(first, { group: 'g1' })] },
            ],
            states: [],
          },
        ],
        complete: [
          { resource: 'select', tables: [table] },
          { resource: 'ünïcode "täble"', tables: [other] },
        ],
      });
      const second = testLoadId();
      await load(dataset, second, [
        [{ table, rows: [rootRow(second, { 'user id': 2, '"quoted"': 'updated', ünïcode: 'ï', order: 3 })] }],
      ]);
      expect(await read(dataset, 'select', ['user id', '"quoted"', 'ünïcode', 'order', awkward])).toEqual([
        { 'user id': 1, '"quoted"': `it's "fine"`, ünïcode: 'ü', order: 1, [awkward]: 'kept' },
        // Without merge, the second run's row is appended next to the first one.
        ...(merge ? [] : [{ 'user id': 2, '"quoted"': 'b', ünïcode: 'ï', order: 2, [awkward]: null }]),
        { 'user id': 2, '"quoted"': 'updated', ünïcode: 'ï', order: 3, [awkward]: null },
      ]);
      expect(await read(dataset, 'ünïcode "täble"', ['group'])).toEqual([{ group: 'g1' }]);
    });
  });
}
