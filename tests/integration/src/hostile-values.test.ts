import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonResult } from '@restsync/cli';
import { type MongoWireServer, startMongoWireServer } from '@restsync/mongo-wire-server';
import { Long, MongoClient } from 'mongodb';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import type { CliProcessResult } from './cli-helpers/spawn-cli';
import { writeConfig } from './cli-helpers/sync-config';
import { uniqueDataset } from './cli-helpers/test-database';
import { createWorkspace } from './cli-helpers/workspace';

// Every test has its own directory, API, dataset and CLI processes, so the tests run concurrently.

/** Five ids around 2^53 that JSON.parse rounds: 993 → 992 (a collision), 995 → 996 (off by one). */
const bigIds = [
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '9007199254740994',
  '9007199254740995',
];

/** The API's text, written by hand: a JSON serializer of JS numbers could not produce it. */
const bigIntegerBody = `[${bigIds
  .map((id, index) => `{"id":${id},"amount":${index === 2 ? '9007199254740993' : index},"name":"n${index}"}`)
  .join(',')}]`;

/** Records with U+0000 (as JSON spells it) in field names and values, top level and nested. */
const nulBody = JSON.stringify([
  {
    id: 1,
    'na\u0000me': 'a\u0000b',
    plain: 'no nul here',
    backslash: 'literal \\u0000 text',
    deep: { a: { b: { c: { d: { e: { 'f\u0000': 'g\u0000', n: 1 } } } } } },
  },
  {
    id: 2,
    'na\u0000me': '\u0000',
    plain: 'x',
    backslash: 'y',
    deep: { a: { b: { c: { d: { e: { n: 2 } } } } } },
  },
]);

/** A hostile API: serves fixed JSON texts, whatever the query. */
async function startHostileApi(onFinished: (handler: OnTestFinishedHandler) => void): Promise<string> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const body = path === '/big-integers' ? bigIntegerBody : path === '/nul-bytes' ? nulBody : undefined;
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sourceConfig(baseUrl: string, resources: string[]) {
  return {
    client: { base_url: baseUrl, paginator: 'single_page' },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: resources.map((name) => ({ name: name.replaceAll('-', '_'), endpoint: { path: `/${name}` } })),
  };
}

/** stdout must be exactly one JSON value. */
function parseJson(result: CliProcessResult): JsonResult {
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as JsonResult;
}

describe.concurrent('hostile values through the CLI (child process)', () => {
  // Regression: 5 ids around 2^53 became 4 rows (two collapsed, one off by one), `id` became double
  // precision and an amount of …993 was stored as …992, with exit 0.
  it('should load integers beyond 2^53 exactly into Postgres bigint columns, on the first run and the rerun', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run } = await createWorkspace('unused', onTestFinished);
    const baseUrl = await startHostileApi(onTestFinished);
    const name = dataset('hostile_big');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'big_integers' },
      source: sourceConfig(baseUrl, ['big-integers']),
    });

    for (const attempt of ['first run', 'rerun']) {
      const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

      expect(result.code, `${attempt}: ${result.stderr}`).toBe(0);
      expect(parseJson(result)).toMatchObject({
        status: 'succeeded',
        resources: { big_integers: { rows: 5 } },
      });
      const rows = await database.query<{ id: string; amount: string; name: string }>(
        `select id::text as id, amount::text as amount, name from "${name}".big_integers order by id`,
      );
      expect(rows).toEqual(
        bigIds.map((id, index) => ({
          id,
          amount: index === 2 ? '9007199254740993' : String(index),
          name: `n${index}`,
        })),
      );
      const types = await database.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
         where table_schema = '${name}' and table_name = 'big_integers' and column_name in ('id', 'amount')
         order by column_name`,
      );
      expect(types).toEqual([
        { column_name: 'amount', data_type: 'bigint' },
        { column_name: 'id', data_type: 'bigint' },
      ]);
    }
  });

  // Regression: a U+0000 in a field name or value failed the batch with a Postgres encoding error
  // that named neither field nor record, and every rerun failed the same way.
  it('should store U+0000 in Postgres as the text \\u0000, in text and jsonb, on the first run and the rerun', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run } = await createWorkspace('unused', onTestFinished);
    const baseUrl = await startHostileApi(onTestFinished);
    const name = dataset('hostile_nul');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'nul_bytes' },
      source: sourceConfig(baseUrl, ['nul-bytes']),
    });

    for (const attempt of ['first run', 'rerun']) {
      const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

      expect(result.code, `${attempt}: ${result.stderr}`).toBe(0);
      expect(parseJson(result)).toMatchObject({ status: 'succeeded', resources: { nul_bytes: { rows: 2 } } });
      const rows = await database.query<Record<string, unknown>>(
        `select id::int as id, na_me, plain, backslash, deep__a__b__c__d__e as deep
         from "${name}".nul_bytes order by id`,
      );
      expect(rows).toEqual([
        {
          id: 1,
          na_me: 'a\\u0000b',
          plain: 'no nul here',
          backslash: 'literal \\u0000 text',
          deep: { 'f\\u0000': 'g\\u0000', n: 1 },
        },
        { id: 2, na_me: '\\u0000', plain: 'x', backslash: 'y', deep: { n: 2 } },
      ]);
    }
  });

  // Regression: ids around 2^53 were rounded doubles in MongoDB too, so two records shared one _id.
  it('should keep integers beyond 2^53 exact in MongoDB, the _id as a Long', async ({ onTestFinished }) => {
    const { directory, run } = await createWorkspace('unused', onTestFinished);
    const baseUrl = await startHostileApi(onTestFinished);
    const external = process.env.MONGODB_URL;
    let wire: MongoWireServer | undefined;
    if (!external) wire = await startMongoWireServer();
    const url = external ?? wire!.url;
    const databaseName = uniqueDataset('hostile_mongo');
    const config = await writeConfig(directory, 'mongo.json', {
      pipeline: { name: 'big_integers', dataset: 'docs' },
      destination: { url, database: databaseName },
      source: sourceConfig(baseUrl, ['big-integers']),
    });
    const client = new MongoClient(url);
    onTestFinished(async () => {
      await client.db(databaseName).dropDatabase();
      await client.close();
      await wire?.close();
    });

    for (const attempt of ['first run', 'rerun']) {
      const result = await run(['run', config, '--json']);

      expect(result.code, `${attempt}: ${result.stderr}`).toBe(0);
      const documents = (
        await client
          .db(databaseName)
          .collection('docs_big_integers')
          .find({}, { promoteLongs: false })
          .toArray()
      ).sort((first, second) => (BigInt(String(first._id)) < BigInt(String(second._id)) ? -1 : 1));
      expect(documents.map((document) => document._id)).toEqual(bigIds.map((id) => Long.fromString(id)));
      expect(documents.map((document) => String(document.id))).toEqual(bigIds);
      expect(String(documents[2]?.amount)).toBe('9007199254740993');
    }
  });
});
