import type { DestinationCapabilities, MergeStrategy, Row, Scd2Settings, TableSchema } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import {
  type ColumnSpec,
  childRow,
  childTable,
  epochMilliseconds,
  rootRow,
  rootTable,
  testLoadId,
} from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

const supports = (strategy: MergeStrategy) => (capabilities: DestinationCapabilities) =>
  capabilities.merge && (capabilities.mergeStrategies ?? ['upsert']).includes(strategy);

/**
 * `hard_delete` is asked of destinations that declare `mergeStrategies` (one written before merge
 * strategies existed declares none, and upserts only).
 */
const handlesHardDelete = (strategy: MergeStrategy) => (capabilities: DestinationCapabilities) =>
  capabilities.merge && (capabilities.mergeStrategies ?? []).includes(strategy);

const scd2Defaults: Scd2Settings = {
  validFrom: '_restsync_valid_from',
  validTo: '_restsync_valid_to',
  activeRecordTimestamp: null,
};

/** The same `scd2` table with this run's boundary timestamp, so validity values are known. */
function atBoundary(table: TableSchema, boundaryTimestamp: string): TableSchema {
  return { ...table, scd2: { ...(table.scd2 ?? scd2Defaults), boundaryTimestamp } };
}

/** A validity timestamp as an ISO string (null stays null), whatever form the destination returns. */
function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(epochMilliseconds(value)).toISOString();
}

const runTimes = [
  '2024-01-01T00:00:00.000Z',
  '2024-02-01T00:00:00.000Z',
  '2024-03-01T00:00:00.000Z',
  '2024-04-01T00:00:00.000Z',
];

/**
 * Merge strategies: `delete-insert` (by primary key, by merge key alone, child rows), `upsert` and
 * `delete-insert` with `hard_delete`, and `scd2` over several runs (a change, a deletion, a
 * re-insert; child tables; no primary key; custom settings). Each case is skipped unless the
 * destination declares the strategy in `mergeStrategies`.
 */
export function testDestinationMergeStrategies(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination merge strategies`, () => {
    const { newDataset, load, read, requires } = destinationHarness(options);

    it('delete-insert - should replace the stored rows of each primary key in the batch', async (context) => {
      await requires(context, 'the delete-insert strategy', supports('delete-insert'));
      const dataset = newDataset();
      const table = rootTable(
        'users',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'delete-insert', primaryKey: ['id'] },
      );
      const first = testLoadId();
      await load(dataset, first, [
        [{ table, rows: [rootRow(first, { id: 1, name: 'Ada' }), rootRow(first, { id: 2, name: 'Brian' })] }],
      ]);
      const second = testLoadId();
      await load(dataset, second, [
        [
          {
            table,
            rows: [
              rootRow(second, { id: 2, name: 'Bea' }),
              rootRow(second, { id: 3, name: 'Cleo' }),
              rootRow(second, { id: 2, name: 'Brian K.' }),
            ],
          },
        ],
      ]);
      expect(await read(dataset, 'users', ['id', 'name'])).toEqual([
        { id: 1, name: 'Ada' },
        { id: 2, name: 'Brian K.' },
        { id: 3, name: 'Cleo' },
      ]);
    });

    it('delete-insert - should replace every stored row of a merge key without a primary key, keeping all rows of the run', async (context) => {
      await requires(context, 'the delete-insert strategy', supports('delete-insert'));
      const dataset = newDataset();
      const table = rootTable(
        'events',
        [
          ['day', 'text'],
          ['what', 'text'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'delete-insert', mergeKey: ['day'] },
      );
      const first = testLoadId();
      const event = (loadId: string, day: string, what: string) => rootRow(loadId, { day, what });
      await load(dataset, first, [
        [
          {
            table,
            rows: [event(first, 'mon', 'a'), event(first, 'mon', 'b'), event(first, 'tue', 'c')],
          },
        ],
      ]);
      const second = testLoadId();
      // Two batches of one run with the same day: the second must not delete what the first wrote.
      await load(dataset, second, [
        [{ table, rows: [event(second, 'mon', 'd')] }],
        [{ table, rows: [event(second, 'mon', 'e'), event(second, 'mon', 'e')] }],
      ]);
      expect(await read(dataset, 'events', ['day', 'what'])).toEqual([
        { day: 'mon', what: 'd' },
        { day: 'mon', what: 'e' },
        { day: 'mon', what: 'e' },
        { day: 'tue', what: 'c' },
      ]);
    });

    it('delete-insert - should replace the child rows of a replaced key', async (context) => {
      await requires(
        context,
        'the delete-insert strategy with child tables',
        (declared) => supports('delete-insert')(declared) && declared.nesting === 'flatten',
      );
      const dataset = newDataset();
      const table = rootTable(
        'posts',
        [
          ['id', 'bigint'],
          ['title', 'text'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'delete-insert', primaryKey: ['id'] },
      );
      const tags = childTable('posts__tags', table, [['value', 'text']]);
      const post = (loadId: string, id: number, title: string, values: string[]) => {
        const root = rootRow(loadId, { id, title });
        return {
          root,
          children: values.map((value, index) => childRow(loadId, root, root, index, { value })),
        };
      };
      const first = testLoadId();
      const one = post(first, 1, 'first', ['a', 'b']);
      const two = post(first, 2, 'second', ['c']);
      await load(dataset, first, [
        [
          { table, rows: [one.root, two.root] },
          { table: tags, rows: [...one.children, ...two.children] },
        ],
      ]);
      const second = testLoadId();
      const changed = post(second, 1, 'first, edited', ['z']);
      await load(dataset, second, [
        [
          { table, rows: [changed.root] },
          { table: tags, rows: changed.children },
        ],
      ]);
      expect(await read(dataset, 'posts', ['id', 'title'])).toEqual([
        { id: 1, title: 'first, edited' },
        { id: 2, title: 'second' },
      ]);
      expect(await read(dataset, 'posts__tags', ['value'])).toEqual([{ value: 'c' }, { value: 'z' }]);
    });

    for (const strategy of ['upsert', 'delete-insert'] as const) {
      it(`${strategy} - should delete the stored row of a record flagged by hard_delete, and not insert it`, async (context) => {
        await requires(
          context,
          `the ${strategy} strategy with hard_delete in mergeStrategies`,
          handlesHardDelete(strategy),
        );
        const dataset = newDataset();
        const columns: ColumnSpec[] = [
          ['id', 'bigint'],
          ['name', 'text'],
          ['deleted', 'bool'],
        ];
        const table = rootTable('accounts', columns, {
          writeDisposition: 'merge',
          mergeStrategy: strategy,
          primaryKey: ['id'],
          hardDelete: 'deleted',
        });
        const first = testLoadId();
        await load(dataset, first, [
          [
            {
              table,
              rows: [1, 2, 3].map((id) => rootRow(first, { id, name: `n${id}`, deleted: false })),
            },
          ],
        ]);
        const second = testLoadId();
        await load(dataset, second, [
          [
            {
              table,
              rows: [
                rootRow(second, { id: 2, name: 'gone', deleted: true }),
                rootRow(second, { id: 3, name: 'n3 again', deleted: null }),
                rootRow(second, { id: 4, name: 'never stored', deleted: true }),
              ],
            },
          ],
        ]);
        expect(await read(dataset, 'accounts', ['id', 'name'])).toEqual([
          { id: 1, name: 'n1' },
          { id: 3, name: 'n3 again' },
        ]);
      });
    }

    it('scd2 - should close a changed version, retire a missing row and open a new version for a re-inserted one, over runs', async (context) => {
      await requires(context, 'the scd2 strategy', supports('scd2'));
      const dataset = newDataset();
      const base = rootTable(
        'customers',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'scd2', primaryKey: ['id'], scd2: scd2Defaults },
      );
      const loadRun = async (runIndex: number, records: Array<[number, string]>) => {
        const loadId = testLoadId();
        const table = atBoundary(base, runTimes[runIndex] as string);
        await load(dataset, loadId, [
          [{ table, rows: records.map(([id, name]) => rootRow(loadId, { id, name })) }],
        ]);
      };
      const versions = async () =>
        (await read(dataset, 'customers', ['id', 'name', '_restsync_valid_from', '_restsync_valid_to'])).map(
          (row) => ({
            id: row.id,
            name: row.name,
            from: iso(row._restsync_valid_from),
            to: iso(row._restsync_valid_to),
          }),
        );
      const [t0, t1, t2, t3] = runTimes;
      await loadRun(0, [
        [1, 'Ada'],
        [2, 'Brian'],
        [3, 'Cleo'],
      ]);
      // Run 1: a change. Ada's version closes at t1, her new one opens at t1.
      await loadRun(1, [
        [1, 'Ada L.'],
        [2, 'Brian'],
        [3, 'Cleo'],
      ]);
      // Run 2: a deletion. Brian is missing from the full extract: retired at t2.
      await loadRun(2, [
        [1, 'Ada L.'],
        [3, 'Cleo'],
      ]);
      // Run 3: a re-insert. Brian comes back unchanged: a new version from t3.
      await loadRun(3, [
        [1, 'Ada L.'],
        [2, 'Brian'],
        [3, 'Cleo'],
      ]);
      const sorted = (await versions()).sort(
        (left, right) =>
          Number(left.id) - Number(right.id) || String(left.from).localeCompare(String(right.from)),
      );
      expect(sorted).toEqual([
        { id: 1, name: 'Ada', from: t0, to: t1 },
        { id: 1, name: 'Ada L.', from: t1, to: null },
        { id: 2, name: 'Brian', from: t0, to: t2 },
        { id: 2, name: 'Brian', from: t3, to: null },
        { id: 3, name: 'Cleo', from: t0, to: null },
      ]);
    });

    it('scd2 - should version rows without a primary key by their content', async (context) => {
      await requires(context, 'the scd2 strategy', supports('scd2'));
      const dataset = newDataset();
      const base = rootTable(
        'rates',
        [
          ['currency', 'text'],
          ['rate', 'double'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'scd2', scd2: scd2Defaults },
      );
      const loadRun = async (runIndex: number, records: Array<[string, number]>) => {
        const loadId = testLoadId();
        const table = atBoundary(base, runTimes[runIndex] as string);
        // Two batches: versions seen in the first are not retired by the second.
        const rows = records.map(([currency, rate]) => rootRow(loadId, { currency, rate }));
        await load(dataset, loadId, [[{ table, rows: rows.slice(0, 1) }], [{ table, rows: rows.slice(1) }]]);
      };
      await loadRun(0, [
        ['EUR', 1],
        ['USD', 1.1],
        ['USD', 1.1],
      ]);
      await loadRun(1, [
        ['EUR', 1],
        ['USD', 1.2],
      ]);
      const rows = await read(dataset, 'rates', ['currency', 'rate', '_restsync_valid_to']);
      expect(rows.map((row) => ({ ...row, _restsync_valid_to: iso(row._restsync_valid_to) }))).toEqual([
        { currency: 'EUR', rate: 1, _restsync_valid_to: null },
        { currency: 'USD', rate: 1.1, _restsync_valid_to: runTimes[1] },
        { currency: 'USD', rate: 1.2, _restsync_valid_to: null },
      ]);
    });

    it('scd2 - should not version unchanged records again when a column is added', async (context) => {
      await requires(context, 'the scd2 strategy', supports('scd2'));
      const dataset = newDataset();
      const columns: ColumnSpec[] = [
        ['id', 'bigint'],
        ['name', 'text'],
      ];
      const options = {
        writeDisposition: 'merge' as const,
        mergeStrategy: 'scd2' as const,
        primaryKey: ['id'],
      };
      const before = rootTable('people', columns, { ...options, scd2: scd2Defaults });
      const after = rootTable('people', [...columns, ['email', 'text']], { ...options, scd2: scd2Defaults });
      const first = testLoadId();
      await load(dataset, first, [
        [
          {
            table: atBoundary(before, runTimes[0] as string),
            rows: [rootRow(first, { id: 1, name: 'Ada' }), rootRow(first, { id: 2, name: 'Brian' })],
          },
        ],
      ]);
      const second = testLoadId();
      await load(dataset, second, [
        [
          {
            table: atBoundary(after, runTimes[1] as string),
            rows: [
              rootRow(second, { id: 1, name: 'Ada', email: null }),
              rootRow(second, { id: 2, name: 'Brian', email: 'b@example.com' }),
            ],
          },
        ],
      ]);
      const rows = await read(dataset, 'people', ['id', 'email', '_restsync_valid_to']);
      expect(rows.map((row) => ({ ...row, _restsync_valid_to: iso(row._restsync_valid_to) }))).toEqual([
        { id: 1, email: null, _restsync_valid_to: null },
        { id: 2, email: null, _restsync_valid_to: runTimes[1] },
        { id: 2, email: 'b@example.com', _restsync_valid_to: null },
      ]);
    });

    it('scd2 - should open a new version for a change inside a nested value kept as JSON', async (context) => {
      await requires(context, 'the scd2 strategy', supports('scd2'));
      const dataset = newDataset();
      const base = rootTable(
        'settings',
        [
          ['id', 'bigint'],
          ['options', 'json'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'scd2', primaryKey: ['id'], scd2: scd2Defaults },
      );
      for (const [runIndex, options] of [
        [0, { theme: 'dark', tags: ['a'] }],
        [1, { tags: ['a'], theme: 'dark' }],
        [2, { theme: 'dark', tags: ['a', 'b'] }],
      ] as const) {
        const loadId = testLoadId();
        await load(dataset, loadId, [
          [
            {
              table: atBoundary(base, runTimes[runIndex] as string),
              rows: [rootRow(loadId, { id: 1, options })],
            },
          ],
        ]);
      }
      const rows = await read(dataset, 'settings', ['id', '_restsync_valid_from', '_restsync_valid_to']);
      const versions = rows.map((row) => ({
        from: iso(row._restsync_valid_from),
        to: iso(row._restsync_valid_to),
      }));
      expect(versions.sort((left, right) => String(left.from).localeCompare(String(right.from)))).toEqual([
        { from: runTimes[0], to: runTimes[2] },
        { from: runTimes[2], to: null },
      ]);
    });

    it('scd2 - should write child rows with each new version only, and version a change inside a nested list', async (context) => {
      await requires(
        context,
        'the scd2 strategy with child tables',
        (declared) => supports('scd2')(declared) && declared.nesting === 'flatten',
      );
      const dataset = newDataset();
      const base = rootTable(
        'products',
        [
          ['sku', 'text'],
          ['title', 'text'],
        ],
        { writeDisposition: 'merge', mergeStrategy: 'scd2', primaryKey: ['sku'], scd2: scd2Defaults },
      );
      const loadRun = async (runIndex: number, sku: string, title: string, colors: string[]) => {
        const loadId = testLoadId();
        const table = atBoundary(base, runTimes[runIndex] as string);
        const colorsTable = childTable('products__colors', table, [['value', 'text']]);
        const root = rootRow(loadId, { sku, title });
        const children = colors.map((value, index) => childRow(loadId, root, root, index, { value }));
        await load(dataset, loadId, [
          [
            { table, rows: [root] },
            { table: colorsTable, rows: children },
          ],
        ]);
      };
      await loadRun(0, 'p1', 'Shirt', ['red', 'blue']);
      await loadRun(1, 'p1', 'Shirt', ['red', 'blue']);
      await loadRun(2, 'p1', 'Shirt', ['red', 'green']);
      const products = await options.readRows(dataset, 'products');
      expect(products).toHaveLength(2);
      const active = products.find((row) => row._restsync_valid_to === null) as Row;
      const closed = products.find((row) => row._restsync_valid_to !== null) as Row;
      expect(iso(closed._restsync_valid_to)).toBe(runTimes[2]);
      const colors = await options.readRows(dataset, 'products__colors');
      const valuesOf = (version: Row) =>
        colors
          .filter((row) => row._restsync_root_id === version._restsync_id)
          .map((row) => row.value)
          .sort();
      expect(valuesOf(closed)).toEqual(['blue', 'red']);
      expect(valuesOf(active)).toEqual(['green', 'red']);
      expect(colors).toHaveLength(4);
    });

    it('scd2 - should honour validity column names, an active record timestamp, a row version column and hard_delete', async (context) => {
      await requires(context, 'the scd2 strategy', supports('scd2'));
      const dataset = newDataset();
      const settings: Scd2Settings = {
        validFrom: 'start_at',
        validTo: 'end_at',
        activeRecordTimestamp: '9999-12-31T00:00:00.000Z',
        rowVersionColumn: 'version',
      };
      const base = rootTable(
        'contracts',
        [
          ['id', 'bigint'],
          ['version', 'bigint'],
          ['note', 'text'],
          ['deleted', 'bool'],
        ],
        {
          writeDisposition: 'merge',
          mergeStrategy: 'scd2',
          primaryKey: ['id'],
          hardDelete: 'deleted',
          scd2: settings,
        },
      );
      const loadRun = async (runIndex: number, records: Array<[number, number, string, boolean]>) => {
        const loadId = testLoadId();
        const table = atBoundary(base, runTimes[runIndex] as string);
        const rows = records.map(([id, version, note, deleted]) =>
          rootRow(loadId, { id, version, note, deleted }),
        );
        await load(dataset, loadId, [[{ table, rows }]]);
      };
      await loadRun(0, [
        [1, 1, 'draft', false],
        [2, 1, 'signed', false],
      ]);
      // Same version, other note: not a new version. Contract 2 is flagged deleted: retired.
      await loadRun(1, [
        [1, 1, 'draft (typo fixed)', false],
        [2, 1, 'signed', true],
      ]);
      const rows = await read(dataset, 'contracts', ['id', 'note', 'start_at', 'end_at']);
      expect(rows.map((row) => ({ ...row, start_at: iso(row.start_at), end_at: iso(row.end_at) }))).toEqual([
        { id: 1, note: 'draft', start_at: runTimes[0], end_at: settings.activeRecordTimestamp },
        { id: 2, note: 'signed', start_at: runTimes[0], end_at: runTimes[1] },
      ]);
    });
  });
}
