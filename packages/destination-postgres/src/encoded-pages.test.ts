import { PGlite } from '@electric-sql/pglite';
import {
  createRedactor,
  type Destination,
  pipeline,
  type ResourceInfo,
  type RestsyncEvent,
  type Row,
  type Source,
  type SourcePage,
} from '@restsync/core';
import { uniqueDatasetName } from '@restsync/testing/conformance';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualifiedName, quoteIdentifier } from './identifier';
import { postgres } from './postgres-destination';

/** A source of one resource that yields the given pages as they are, one checkpoint per page. */
function pagesSource(resource: Partial<ResourceInfo>, pages: Record<string, unknown>[][]): Source {
  const info: ResourceInfo = {
    name: 'items',
    primaryKey: ['id'],
    writeDisposition: 'merge',
    nested: 'flatten',
    ...resource,
  };
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'pages',
    resources: [info],
    redactor: createRedactor([]),
    async *pages(run): AsyncGenerator<SourcePage> {
      const start = Number(run.checkpoints?.[info.name]?.page ?? 0);
      for (let index = start; index < pages.length; index++) {
        const records = pages[index] as Record<string, unknown>[];
        const url = `http://api.test/items?page=${index}`;
        yield {
          resource: info.name,
          index,
          request: { method: 'GET', url, headers: {} },
          response: { status: 200, headers: new Headers(), body: records },
          records,
          checkpoint: { page: index + 1 },
        };
      }
    },
  };
}

/** The destination, with a count of the pages its sessions encoded (`encodeRows` returned them). */
function counted(destination: Destination): { destination: Destination; encoded: () => number } {
  let encoded = 0;
  return {
    encoded: () => encoded,
    destination: {
      ...destination,
      open: async (options) => {
        const session = await destination.open(options);
        const encode = session.encodeRows;
        return encode === undefined
          ? session
          : {
              ...session,
              encodeRows: (table, rows) => {
                const result = encode(table, rows);
                if (result !== undefined) encoded += 1;
                return result;
              },
            };
      },
    },
  };
}

interface Target {
  name: string;
  destination: () => Destination;
  query: (text: string) => Promise<Row[]>;
}

const targets: Target[] = [];
let embedded: PGlite | undefined;
targets.push({
  name: 'PGlite',
  destination: () => postgres({ client: embedded as PGlite }),
  query: async (text) => (await (embedded as PGlite).query<Row>(text)).rows,
});
const serverUrl = process.env.DATABASE_URL;
let reader: pg.Pool | undefined;
if (serverUrl) {
  targets.push({
    name: 'server',
    destination: () => postgres({ url: serverUrl }),
    query: async (text) => (await (reader as pg.Pool).query(text)).rows,
  });
}

beforeAll(async () => {
  embedded = await PGlite.create();
  if (serverUrl) reader = new pg.Pool({ connectionString: serverUrl, max: 1 });
});
afterAll(async () => {
  await embedded?.close();
  await reader?.end();
});

for (const target of targets) {
  describe(`pages encoded as they arrive (${target.name})`, () => {
    const datasets: string[] = [];
    afterAll(async () => {
      for (const dataset of datasets)
        await target.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(dataset)} CASCADE`);
    });

    const run = async (
      resource: Partial<ResourceInfo>,
      pages: Record<string, unknown>[][],
      dataset?: string,
    ) => {
      const name = dataset ?? uniqueDatasetName();
      if (dataset === undefined) datasets.push(name);
      const events: RestsyncEvent[] = [];
      const { destination, encoded } = counted(target.destination());
      const result = await pipeline({
        name: 'encoded',
        dataset: name,
        destination,
        batchSize: 100,
        onEvent: (event) => events.push(event),
      }).run(pagesSource(resource, pages));
      const batches = events.filter((event) => event.type === 'batch_loaded');
      return { dataset: name, result, encoded: encoded(), batches };
    };
    const rows = (dataset: string, table: string, columns: string) =>
      target.query(`SELECT ${columns} FROM ${qualifiedName(dataset, table)} ORDER BY id`);

    it('should write a merge key repeated on a later page of a batch once, with its last values, and count it once', async () => {
      const pages = [
        [
          { id: 5, v: 'a' },
          { id: 7, v: 'a' },
          { id: 9, v: 'a' },
        ],
        [
          { id: 1, v: 'b' },
          { id: 7, v: 'b' },
        ],
        [{ id: 9, v: 'c' }],
      ];
      const first = await run({}, pages);
      expect(first.encoded).toBe(3);
      expect(first.batches).toHaveLength(1);
      expect(await rows(first.dataset, 'items', 'id::int, v')).toEqual([
        { id: 1, v: 'b' },
        { id: 5, v: 'a' },
        { id: 7, v: 'b' },
        { id: 9, v: 'c' },
      ]);
      expect(first.result.resources.items).toMatchObject({ inserted: 4, updated: 0 });
      expect(first.result.tables).toEqual({ items: 4 });

      const again = await run(
        {},
        [
          [{ id: 7, v: 'd' }],
          [
            { id: 2, v: 'd' },
            { id: 7, v: 'e' },
          ],
        ],
        first.dataset,
      );
      expect(again.encoded).toBe(2);
      expect(again.result.resources.items).toMatchObject({ inserted: 1, updated: 1 });
      expect(await rows(first.dataset, 'items', 'id::int, v')).toEqual([
        { id: 1, v: 'b' },
        { id: 2, v: 'd' },
        { id: 5, v: 'a' },
        { id: 7, v: 'e' },
        { id: 9, v: 'c' },
      ]);
    });

    it('should fill a column that appears on a later page of a batch from that page on, NULL before', async () => {
      const { dataset, encoded, batches } = await run({}, [
        [{ id: 1, v: 'a' }],
        [{ id: 2, v: 'b', extra: 20 }],
        [{ id: 3, v: 'c' }],
      ]);
      expect(encoded).toBe(3);
      expect(batches).toHaveLength(1);
      expect(await rows(dataset, 'items', 'id::int, v, extra::int')).toEqual([
        { id: 1, v: 'a', extra: null },
        { id: 2, v: 'b', extra: 20 },
        { id: 3, v: 'c', extra: null },
      ]);
    });

    it('should start a new batch at a page with nested rows after encoded pages, and replace the children of a key written again', async () => {
      const { dataset, encoded, batches, result } = await run({}, [
        [{ id: 1, v: 'a' }],
        [{ id: 2, v: 'b', tags: [{ t: 'x' }, { t: 'y' }] }],
        [{ id: 2, v: 'c', tags: [{ t: 'z' }] }],
      ]);
      expect(encoded).toBe(1);
      expect(batches.map((event) => event.rows)).toEqual([1, 2]);
      expect(await rows(dataset, 'items', 'id::int, v')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'c' },
      ]);
      expect(await target.query(`SELECT t FROM ${qualifiedName(dataset, 'items__tags')}`)).toEqual([
        { t: 'z' },
      ]);
      expect(result.resources.items).toMatchObject({ inserted: 2, updated: 0 });
    });

    it('should keep every repeated row of an append table', async () => {
      const { dataset, encoded } = await run({ writeDisposition: 'append' }, [
        [{ id: 1, v: 'a' }],
        [{ id: 1, v: 'b' }],
      ]);
      expect(encoded).toBe(2);
      expect(
        await target.query(`SELECT id::int, v FROM ${qualifiedName(dataset, 'items')} ORDER BY v`),
      ).toEqual([
        { id: 1, v: 'a' },
        { id: 1, v: 'b' },
      ]);
    });

    it('should swap in the encoded pages of a replace table, and only those of the last run', async () => {
      const first = await run({ writeDisposition: 'replace' }, [[{ id: 1 }], [{ id: 2 }]]);
      expect(first.encoded).toBe(2);
      await run({ writeDisposition: 'replace' }, [[{ id: 3 }], [{ id: 4 }]], first.dataset);
      expect(await rows(first.dataset, 'items', 'id::int')).toEqual([{ id: 3 }, { id: 4 }]);
    });

    it('should write text with tabs, newlines, backslashes and non-ASCII characters as it was', async () => {
      const text = 'tab\there\nnew line \\ back ünï 😀';
      const { dataset, encoded } = await run({}, [
        [{ id: 1, v: text }],
        [{ id: 2, v: text, j: { a: 'x\ty', b: { c: 1 } } }],
      ]);
      expect(encoded).toBe(2);
      expect(await rows(dataset, 'items', 'id::int, v, j__a, j__b__c::int')).toEqual([
        { id: 1, v: text, j__a: null, j__b__c: null },
        { id: 2, v: text, j__a: 'x\ty', j__b__c: 1 },
      ]);
    });
  });
}
