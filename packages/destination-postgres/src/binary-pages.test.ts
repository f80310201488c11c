import { PGlite } from '@electric-sql/pglite';
import {
  createRedactor,
  type Destination,
  pipeline,
  type Row,
  type Source,
  type SourcePage,
} from '@restsync/core';
import { uniqueDatasetName } from '@restsync/testing/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyRows } from './copy-rows';
import { qualifiedName, quoteIdentifier } from './identifier';
import { postgres } from './postgres-destination';

/** A `merge` resource on `id` whose pages are the given record lists. */
function pagesSource(pages: Record<string, unknown>[][]): Source {
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'pages',
    resources: [{ name: 'items', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' }],
    redactor: createRedactor([]),
    async *pages(): AsyncGenerator<SourcePage> {
      for (const [index, records] of pages.entries()) {
        const url = `http://api.test/items?page=${index}`;
        yield {
          resource: 'items',
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

/** The destination, recording for each encoded page whether it went binary. */
function recorded(destination: Destination): { destination: Destination; formats: string[] } {
  const formats: string[] = [];
  return {
    formats,
    destination: {
      ...destination,
      open: async (options) => {
        const session = await destination.open(options);
        const encode = session.encodeRows?.bind(session);
        if (encode === undefined) return session;
        return {
          ...session,
          encodeRows: (table, rows) => {
            const result = encode(table, rows);
            if (result instanceof CopyRows) formats.push(result.types === undefined ? 'text' : 'binary');
            return result;
          },
        };
      },
    },
  };
}

let database: PGlite;
beforeAll(async () => {
  database = await PGlite.create();
});
afterAll(async () => {
  await database.close();
});

const query = async (text: string) => (await database.query<Row>(text)).rows;

describe('pages copied into PGlite in binary', () => {
  const run = async (dataset: string, pages: Record<string, unknown>[][], batchSize = 2) => {
    const { destination, formats } = recorded(postgres({ client: database }));
    const result = await pipeline({ name: 'binary', dataset, destination, batchSize }).run(
      pagesSource(pages),
    );
    return { result, formats };
  };

  it('should copy the pages binary, each value stored as COPY text would store it', async () => {
    const dataset = uniqueDatasetName();
    const at = (id: number) => `2024-07-19T1${id}:00:00.25+02:00`;
    const pages = [1, 2, 3, 4, 5, 6].map((id) => [
      { id, at: at(id), value: id + 0.5, flag: id % 2 === 0, text: `t\t${id}\n` },
    ]);
    const { result, formats } = await run(dataset, pages);
    expect(formats).toEqual(['binary', 'binary', 'binary', 'binary', 'binary', 'binary']);
    expect(result.resources.items).toMatchObject({ rows: 6, inserted: 6, updated: 0 });
    expect(
      await query(
        `SELECT id::int, extract(epoch FROM at)::float8 AS epoch, value, flag, text FROM ${qualifiedName(dataset, 'items')} ORDER BY id`,
      ),
    ).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => ({
        id,
        epoch: Date.parse(at(id)) / 1000,
        value: id + 0.5,
        flag: id % 2 === 0,
        text: `t\t${id}\n`,
      })),
    );
  });

  it('should store the binary pages of a column widened to double precision later in their batch as numbers', async () => {
    const dataset = uniqueDatasetName();
    const { formats } = await run(dataset, [[{ id: 1, v: 1 }], [{ id: 2, v: 2 }], [{ id: 3, v: 3.5 }]], 3);
    // Pages 1 and 2 went binary with `v` as bigint; page 3 widened it to double precision in the same batch.
    expect(formats).toEqual(['binary', 'binary', 'binary']);
    expect(await query(`SELECT id::int, v FROM ${qualifiedName(dataset, 'items')} ORDER BY id`)).toEqual([
      { id: 1, v: 1 },
      { id: 2, v: 2 },
      { id: 3, v: 3.5 },
    ]);
    expect(
      await query(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = '${qualifiedName(dataset, 'items')}'::regclass AND attname = 'v'`,
      ),
    ).toEqual([{ type: 'double precision' }]);
  });

  it('should keep date-times as the text they came as in a column the table holds as text', async () => {
    const dataset = uniqueDatasetName();
    await database.exec(
      `CREATE SCHEMA ${quoteIdentifier(dataset)}; CREATE TABLE ${qualifiedName(dataset, 'items')} (id bigint PRIMARY KEY, at text)`,
    );
    const at = (id: number) => `2024-07-19T0${id}:00:00.000Z`;
    const { formats } = await run(
      dataset,
      [1, 2, 3, 4].map((id) => [{ id, at: at(id) }]),
    );
    expect(formats).toEqual(['text', 'text', 'text', 'text']);
    expect(await query(`SELECT id::int, at FROM ${qualifiedName(dataset, 'items')} ORDER BY id`)).toEqual(
      [1, 2, 3, 4].map((id) => ({ id, at: at(id) })),
    );
  });
});
