import type {
  Destination,
  DestinationSession,
  LoadBatch,
  PaginatorCheckpoint,
  ResourceState,
  Row,
  Schema,
  TableSchema,
} from '@restsync/core';
import { systemColumns } from '@restsync/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  childRow,
  childTable,
  epochMilliseconds,
  field,
  project,
  resourceState,
  rootRow,
  rootTable,
  testLoadId,
  uniqueDatasetName,
} from './destination-fixtures';

export interface DestinationConformanceOptions {
  /** Shown in the suite name: `<name>: destination conformance`. */
  name: string;
  /** Creates the destination under test (called for every session the suite opens). */
  create: () => Destination | Promise<Destination>;
  /**
   * Reads every row of a table (collection) back through a connection other than the session's,
   * as plain values: numbers for bigint/double, booleans, strings for text, a Date or an ISO
   * string for timestamptz, parsed JSON for jsonb, null for NULL. For `_restsync_loads`, rows
   * with `load_id`, `status`, `started_at`, `finished_at`, `rows`, `error` (camelCase accepted).
   */
  readRows: (dataset: string, table: string) => Promise<Row[]>;
  /** Removes a dataset the suite created (called after the suite). */
  dropDataset?: (dataset: string) => Promise<void>;
}

/** What one simulated pipeline run writes. */
interface RunSpec {
  loadId?: string;
  pipeline?: string;
  /** Batches without their load id (the run's is used). */
  batches: Array<Omit<LoadBatch, 'loadId'>>;
  /** Resources to complete after the batches, with every table each one filled. */
  complete: Array<{ resource: string; tables: TableSchema[] }>;
}

/**
 * Runs the destination contract against an adapter: append, replace (readers keep the old rows
 * until the swap), merge (upsert, in-batch duplicates, composite keys), schema evolution, nested
 * data, variant columns, awkward identifiers, atomic data + state with rollback and rerun
 * idempotence, state/schema round-trips and the loads table. Every test uses its own dataset.
 * Batches are built by hand, so the suite does not depend on the normalizer.
 */
export function testDestinationConformance(options: DestinationConformanceOptions): void {
  describe(`${options.name}: destination conformance`, () => {
    const datasets: string[] = [];
    const sessions = new Set<DestinationSession>();

    afterEach(async () => {
      for (const session of sessions) await session.close();
      sessions.clear();
    });

    afterAll(async () => {
      if (!options.dropDataset) return;
      for (const dataset of datasets) await options.dropDataset(dataset);
    });

    const newDataset = () => {
      const dataset = uniqueDatasetName();
      datasets.push(dataset);
      return dataset;
    };

    const open = async (dataset: string, pipeline = 'conformance') => {
      const destination = await options.create();
      const session = await destination.open({ pipeline, dataset });
      sessions.add(session);
      return session;
    };

    const close = async (session: DestinationSession) => {
      sessions.delete(session);
      await session.close();
    };

    /** The pipeline's call sequence: read schema and state, start, write, complete, finish, close. */
    const run = async (dataset: string, spec: RunSpec): Promise<string> => {
      const loadId = spec.loadId ?? testLoadId();
      const pipeline = spec.pipeline ?? 'conformance';
      const session = await open(dataset, pipeline);
      await session.readSchema();
      for (const { resource } of spec.complete) await session.readState(resource);
      const startedAt = new Date().toISOString();
      await session.startLoad({ loadId, pipeline, dataset, status: 'running', startedAt });
      for (const batch of spec.batches) await session.write({ ...batch, loadId });
      for (const { resource, tables } of spec.complete) {
        await session.completeResource({
          loadId,
          resource,
          writeDisposition: tables[0]?.writeDisposition ?? 'append',
          tables,
          state: resourceState(resource, loadId, undefined, 'complete'),
        });
      }
      const rows: Record<string, number> = {};
      for (const batch of spec.batches) {
        for (const { table, rows: tableRows } of batch.tables) {
          rows[table.name] = (rows[table.name] ?? 0) + tableRows.length;
        }
      }
      await session.finishLoad({
        loadId,
        pipeline,
        dataset,
        status: 'succeeded',
        startedAt,
        finishedAt: new Date().toISOString(),
        rows,
      });
      await close(session);
      return loadId;
    };

    const read = async (dataset: string, table: string, fields: string[]) =>
      project(await options.readRows(dataset, table), fields);

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
          ['active', 'boolean'],
          ['label', 'text'],
          ['happened_at', 'timestamptz'],
          ['payload', 'jsonb'],
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
          ['data', 'jsonb'],
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

    it('merge - should update rows by primary key and insert new ones', async () => {
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
      await run(dataset, {
        loadId: first,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  rootRow(first, { id: 1, name: 'Ada', age: 36 }),
                  rootRow(first, { id: 2, name: 'Brian', age: 40 }),
                  rootRow(first, { id: 3, name: 'Cleo', age: 25 }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'users', tables: [table] }],
      });
      const second = testLoadId();
      await run(dataset, {
        loadId: second,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  rootRow(second, { id: 2, name: 'Brian K.', age: null }),
                  rootRow(second, { id: 4, name: 'Dee', age: 31 }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'users', tables: [table] }],
      });
      expect(await read(dataset, 'users', ['id', 'name', 'age'])).toEqual([
        { id: 1, name: 'Ada', age: 36 },
        { id: 2, name: 'Brian K.', age: null },
        { id: 3, name: 'Cleo', age: 25 },
        { id: 4, name: 'Dee', age: 31 },
      ]);
      const loadIds = project(await options.readRows(dataset, 'users'), ['id', systemColumns.loadId]);
      expect(loadIds.map((row) => row[systemColumns.loadId])).toEqual([first, second, first, second]);
    });

    it('merge - should keep the last record when a key repeats inside a batch and across batches', async () => {
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
      await run(dataset, {
        loadId,
        batches: [
          { tables: [{ table, rows: [row('a', 1), row('b', 1), row('a', 2), row('a', 3)] }], states: [] },
          { tables: [{ table, rows: [row('b', 5), row('c', 1), row('b', 6)] }], states: [] },
        ],
        complete: [{ resource: 'prices', tables: [table] }],
      });
      expect(await read(dataset, 'prices', ['sku', 'price'])).toEqual([
        { sku: 'a', price: 3 },
        { sku: 'b', price: 6 },
        { sku: 'c', price: 1 },
      ]);
    });

    it('merge - should upsert on a composite primary key', async () => {
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
      await run(dataset, {
        loadId: first,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  rootRow(first, { tenant: 'acme', id: 1, role: 'admin' }),
                  rootRow(first, { tenant: 'globex', id: 1, role: 'viewer' }),
                  rootRow(first, { tenant: 'acme', id: 2, role: 'viewer' }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'memberships', tables: [table] }],
      });
      const second = testLoadId();
      await run(dataset, {
        loadId: second,
        batches: [
          {
            tables: [
              {
                table,
                rows: [
                  rootRow(second, { tenant: 'globex', id: 1, role: 'owner' }),
                  rootRow(second, { tenant: 'globex', id: 2, role: 'viewer' }),
                ],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'memberships', tables: [table] }],
      });
      expect(await read(dataset, 'memberships', ['tenant', 'id', 'role'])).toEqual([
        { tenant: 'acme', id: 1, role: 'admin' },
        { tenant: 'acme', id: 2, role: 'viewer' },
        { tenant: 'globex', id: 1, role: 'owner' },
        { tenant: 'globex', id: 2, role: 'viewer' },
      ]);
    });

    it('schema evolution - should add columns and widen bigint to double, keeping the old values', async () => {
      const dataset = newDataset();
      const before = rootTable(
        'metrics',
        [
          ['id', 'bigint'],
          ['amount', 'bigint'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const after = rootTable(
        'metrics',
        [
          ['id', 'bigint'],
          ['amount', 'double'],
          ['note', 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
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
        { id: 2, amount: 20.75, note: null },
        { id: 3, amount: 2.5, note: 'new' },
      ]);
    });

    it('nested - should replace the children of an updated parent on merge', async () => {
      const dataset = newDataset();
      const documents = (await options.create()).capabilities.nesting === 'documents';
      if (documents) {
        const table = rootTable(
          'orders',
          [
            ['id', 'bigint'],
            ['customer', 'jsonb'],
            ['items', 'jsonb'],
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
        await run(dataset, {
          loadId: first,
          batches: [
            {
              tables: [{ table, rows: [order(first, 1, ['A', 'B', 'C']), order(first, 2, ['D'])] }],
              states: [],
            },
          ],
          complete: [{ resource: 'orders', tables: [table] }],
        });
        const second = testLoadId();
        await run(dataset, {
          loadId: second,
          batches: [
            {
              tables: [
                {
                  table,
                  rows: [order(second, 1, ['A2']), order(second, 3, ['E', 'F']), order(second, 3, ['G'])],
                },
              ],
              states: [],
            },
          ],
          complete: [{ resource: 'orders', tables: [table] }],
        });
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

    it('identifiers - should load tables and columns named with reserved words, spaces, quotes and unicode', async () => {
      const dataset = newDataset();
      const awkward = 'x"; DROP TABLE "select"; --';
      const table = rootTable(
        'select',
        [
          ['user id', 'bigint'],
          ['"quoted"', 'text'],
          ['ünïcode', 'text'],
          ['order', 'bigint'],
          [awkward, 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['user id'] },
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
      await run(dataset, {
        loadId: second,
        batches: [
          {
            tables: [
              {
                table,
                rows: [rootRow(second, { 'user id': 2, '"quoted"': 'updated', ünïcode: 'ï', order: 3 })],
              },
            ],
            states: [],
          },
        ],
        complete: [{ resource: 'select', tables: [table] }],
      });
      expect(await read(dataset, 'select', ['user id', '"quoted"', 'ünïcode', 'order', awkward])).toEqual([
        { 'user id': 1, '"quoted"': `it's "fine"`, ünïcode: 'ü', order: 1, [awkward]: 'kept' },
        { 'user id': 2, '"quoted"': 'updated', ünïcode: 'ï', order: 3, [awkward]: null },
      ]);
      expect(await read(dataset, 'ünïcode "täble"', ['group'])).toEqual([{ group: 'g1' }]);
    });

    it('write - should write rows and state atomically: a failing state write rolls the batch back, a rerun loads each key once', async () => {
      const dataset = newDataset();
      const capabilities = (await options.create()).capabilities;
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
      // A checkpoint no serializer accepts: a BigInt (JSON) inside a circular object (JSON and BSON).
      const poisoned: Record<string, unknown> = { offset: 4, total: 10n };
      poisoned.self = poisoned;

      const failing = testLoadId();
      const session = await open(dataset);
      await session.write(firstBatch(failing));
      await expect(session.write(secondBatch(failing, poisoned))).rejects.toThrow();
      if (capabilities.transactions) {
        expect(await read(dataset, 'items', ['id', 'name'])).toEqual([
          { id: 1, name: 'one' },
          { id: 2, name: 'two' },
        ]);
        expect((await session.readState('items'))?.checkpoint).toEqual({ offset: 2 });
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

    it('schema - should return the highest stored schema version', async () => {
      const dataset = newDataset();
      const version1: Schema = {
        version: 1,
        tables: [rootTable('items', [['id', 'bigint']], { writeDisposition: 'merge', primaryKey: ['id'] })],
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
            { writeDisposition: 'merge', primaryKey: ['id'] },
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
