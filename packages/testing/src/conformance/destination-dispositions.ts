import type { Row } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { epochMilliseconds, resourceState, rootRow, rootTable, testLoadId } from './destination-fixtures';
import { type DestinationConformanceOptions, destinationHarness } from './destination-harness';

/**
 * Append (every column type, awkward text) and replace (old rows visible until the swap, an empty
 * run empties the table), plus opening a new dataset.
 */
export function testDestinationDispositions(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination dispositions`, () => {
    const { newDataset, open, run, read } = destinationHarness(options);

    it('open - should start a new dataset with no schema and no state', async () => {
      const session = await open(newDataset());
      expect(await session.readSchema()).toBeUndefined();
      expect(await session.readState('anything')).toBeUndefined();
    });

    it('append - should add rows across batches and runs, keeping every column type', async () => {
      const dataset = newDataset();
      const table = rootTable(
        'events',
        [
          ['id', 'bigint'],
          ['score', 'double'],
          ['active', 'bool'],
          ['label', 'text'],
          ['happened_at', 'timestamp'],
          ['payload', 'json'],
        ],
        { writeDisposition: 'append' },
      );
      const first = testLoadId();
      const row = (values: Row) => rootRow(first, values);
      await run(dataset, {
        loadId: first,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  row({
                    id: 9007199254740991,
                    score: 3.25,
                    active: true,
                    label: 'big',
                    happened_at: '2024-01-02T03:04:05.000Z',
                    payload: { nested: { list: [1, 'two', null] } },
                  }),
                  row({
                    id: -1,
                    score: -0.5,
                    active: false,
                    label: 'negative',
                    happened_at: null,
                    payload: [1, 2],
                  }),
                  row({ id: 0, score: null, active: null, label: null, happened_at: null, payload: null }),
                ],
              },
            ],
            states: [resourceState('events', first, { offset: 3 })],
          },
          {
            tables: [
              { table, rows: [row({ id: 4, payload: 'just a string' }), row({ id: 5, score: 1e-7 })] },
            ],
            states: [resourceState('events', first, { offset: 5 })],
          },
        ],
        complete: [{ resource: 'events', tables: [table] }],
      });
      const second = testLoadId();
      await run(dataset, {
        loadId: second,
        batches: [{ tables: [{ table, rows: [rootRow(second, { id: 6 })] }], states: [] }],
        complete: [{ resource: 'events', tables: [table] }],
      });

      const rows = await read(dataset, 'events', [
        'id',
        'score',
        'active',
        'label',
        'happened_at',
        'payload',
      ]);
      expect(rows.map((entry) => entry.id)).toEqual([-1, 0, 4, 5, 6, 9007199254740991]);
      const byId = new Map(rows.map((entry) => [entry.id, entry]));
      expect(byId.get(9007199254740991)).toMatchObject({
        score: 3.25,
        active: true,
        label: 'big',
        payload: { nested: { list: [1, 'two', null] } },
      });
      expect(epochMilliseconds(byId.get(9007199254740991)?.happened_at)).toBe(
        Date.parse('2024-01-02T03:04:05Z'),
      );
      expect(byId.get(-1)).toMatchObject({ score: -0.5, active: false, happened_at: null, payload: [1, 2] });
      expect(byId.get(0)).toEqual({
        id: 0,
        score: null,
        active: null,
        label: null,
        happened_at: null,
        payload: null,
      });
      expect(byId.get(4)?.payload).toBe('just a string');
      expect(byId.get(5)?.score).toBe(1e-7);
    });

    it('append - should keep text with tabs, newlines, backslashes, quotes, unicode and NULL markers intact', async () => {
      const dataset = newDataset();
      const table = rootTable(
        'notes',
        [
          ['id', 'bigint'],
          ['body', 'text'],
          ['data', 'json'],
        ],
        { writeDisposition: 'append' },
      );
      const texts = [
        'tab\there',
        'line\nbreak',
        'carriage\r\nreturn',
        'back\\slash \\N \\t',
        '\\N',
        '',
        `quotes ' " and ''`,
        'ünïcode ✓ 🚀 日本語',
        'comma, semicolon; pipe | percent %',
      ];
      const loadId = testLoadId();
      await run(dataset, {
        loadId,
        batches: [
          {
            tables: [
              {
                table,
                rows: texts.map((body, index) =>
                  rootRow(loadId, { id: index, body, data: { body, list: [body] } }),
                ),
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'notes', tables: [table] }],
      });
      const rows = await read(dataset, 'notes', ['id', 'body', 'data']);
      expect(rows).toEqual(texts.map((body, index) => ({ id: index, body, data: { body, list: [body] } })));
    });

    it('replace - should keep the old rows visible until the resource completes, then swap in the new ones', async () => {
      const dataset = newDataset();
      const table = rootTable(
        'snapshot',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'replace' },
      );
      const first = testLoadId();
      await run(dataset, {
        loadId: first,
        batches: [
          {
            tables: [
              {
                table,
                rows: ['a', 'b', 'c'].map((name, index) => rootRow(first, { id: index + 1, name })),
              },
            ],
            states: [resourceState('snapshot', first)],
          },
        ],
        complete: [{ resource: 'snapshot', tables: [table] }],
      });
      expect(await read(dataset, 'snapshot', ['id', 'name'])).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
        { id: 3, name: 'c' },
      ]);

      const second = testLoadId();
      const session = await open(dataset);
      await session.startLoad({
        loadId: second,
        pipeline: 'conformance',
        dataset,
        status: 'running',
        startedAt: new Date().toISOString(),
      });
      await session.write({
        loadId: second,
        tables: [{ table, rows: [rootRow(second, { id: 10, name: 'd' })] }],
        states: [resourceState('snapshot', second)],
      });
      await session.write({
        loadId: second,
        tables: [{ table, rows: [rootRow(second, { id: 11, name: 'e' })] }],
        states: [resourceState('snapshot', second)],
      });
      // A reader between the writes and the swap still sees the complete old table.
      expect(await read(dataset, 'snapshot', ['id', 'name'])).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
        { id: 3, name: 'c' },
      ]);
      await session.completeResource({
        loadId: second,
        resource: 'snapshot',
        writeDisposition: 'replace',
        tables: [table],
        state: resourceState('snapshot', second, undefined, 'complete'),
      });
      expect(await read(dataset, 'snapshot', ['id', 'name'])).toEqual([
        { id: 10, name: 'd' },
        { id: 11, name: 'e' },
      ]);
      expect((await session.readState('snapshot'))?.status).toBe('complete');
    });

    it('replace - should leave an empty table after a run without rows', async () => {
      const dataset = newDataset();
      const table = rootTable('snapshot', [['id', 'bigint']], { writeDisposition: 'replace' });
      const first = testLoadId();
      await run(dataset, {
        loadId: first,
        batches: [
          { tables: [{ table, rows: [rootRow(first, { id: 1 }), rootRow(first, { id: 2 })] }], states: [] },
        ],
        complete: [{ resource: 'snapshot', tables: [table] }],
      });
      expect(await read(dataset, 'snapshot', ['id'])).toHaveLength(2);
      await run(dataset, { batches: [], complete: [{ resource: 'snapshot', tables: [table] }] });
      expect(await options.readRows(dataset, 'snapshot')).toEqual([]);
    });
  });
}
