import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { type Destination, DestinationError, type Row } from '@restsync/core';
import {
  resourceState,
  rootRow,
  rootTable,
  testDestinationConformance,
  testLoadId,
  uniqueDatasetName,
} from '@restsync/testing/conformance';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { qualifiedName, quoteIdentifier } from './identifier';
import { openPglite } from './pglite-open';
import { postgres } from './postgres-destination';

/** A database the tests can load into and read back from through a second connection. */
interface Target {
  name: string;
  create: () => Promise<Destination>;
  query: (text: string, params?: unknown[]) => Promise<Row[]>;
}

function pgliteTarget(): Target {
  let database: Promise<PGlite> | undefined;
  const shared = () => {
    // From the packed data directory when the package is built: no initdb in the test's time.
    database ??= openPglite(undefined);
    return database;
  };
  return {
    name: 'PGlite',
    // One embedded database for the file; the destination borrows it and never closes it.
    create: async () => postgres({ client: await shared() }),
    query: async (text, params) => (await (await shared()).query<Row>(text, params)).rows,
  };
}

function serverTarget(url: string): Target {
  const reader = new pg.Pool({ connectionString: url, max: 2 });
  afterAll(() => reader.end());
  return {
    name: 'server',
    create: async () => postgres({ url }),
    query: async (text, params) => (await reader.query(text, params)).rows,
  };
}

const targets: Target[] = [pgliteTarget()];
if (process.env.DATABASE_URL) targets.push(serverTarget(process.env.DATABASE_URL));

const readRows = (target: Target) => async (dataset: string, table: string) =>
  (await target.query(`SELECT row_to_json(t) AS row FROM ${qualifiedName(dataset, table)} t`)).map(
    (result) => result.row as Row,
  );

for (const target of targets) {
  testDestinationConformance({
    name: `postgres (${target.name})`,
    create: target.create,
    readRows: readRows(target),
    dropDataset: async (dataset) => {
      await target.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(dataset)} CASCADE`);
    },
  });

  describe(`postgres (${target.name})`, () => {
    const datasets: string[] = [];
    afterAll(async () => {
      for (const dataset of datasets)
        await target.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(dataset)} CASCADE`);
    });
    const newDataset = (name = uniqueDatasetName()) => {
      datasets.push(name);
      return name;
    };

    it('should not let quotes in dataset, table or column names inject SQL', async () => {
      const victim = newDataset();
      await target.query(`CREATE SCHEMA ${quoteIdentifier(victim)}`);
      await target.query(`CREATE TABLE ${qualifiedName(victim, 'victim')} (id bigint)`);
      const dataset = newDataset(`x"; DROP SCHEMA "${victim}" CASCADE; --`);
      const name = `t"; DROP TABLE "${victim}"."victim"; --`;
      const table = rootTable(name, [[`c"); DROP TABLE "${victim}"."victim"; --`, 'text']], {
        writeDisposition: 'merge',
        primaryKey: ['_restsync_id'],
      });
      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      const loadId = testLoadId();
      await session.write({
        loadId,
        tables: [
          { table, rows: [rootRow(loadId, { [`c"); DROP TABLE "${victim}"."victim"; --`]: "'); --" })] },
        ],
        states: [resourceState(name, loadId, { "'; --": '"' })],
      });
      await session.close();
      expect(
        await target.query(`SELECT count(*)::int AS count FROM ${qualifiedName(victim, 'victim')}`),
      ).toEqual([{ count: 0 }]);
      const rows = await readRows(target)(dataset, name);
      expect(rows.map((row) => row[`c"); DROP TABLE "${victim}"."victim"; --`])).toEqual(["'); --"]);
    });

    it('should accept 63-byte identifiers and reject longer ones with a clear error', async () => {
      const dataset = newDataset();
      const tableName = `${'ü'.repeat(31)}x`;
      const columnName = 'c'.repeat(63);
      expect(Buffer.byteLength(tableName)).toBe(63);
      const table = rootTable(tableName, [[columnName, 'bigint']], { writeDisposition: 'replace' });
      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      const loadId = testLoadId();
      await session.write({
        loadId,
        tables: [{ table, rows: [rootRow(loadId, { [columnName]: 7 })] }],
        states: [],
      });
      await session.completeResource({
        loadId,
        resource: tableName,
        writeDisposition: 'replace',
        tables: [table],
        state: resourceState(tableName, loadId, undefined, 'complete'),
      });
      expect((await readRows(target)(dataset, tableName)).map((row) => row[columnName])).toEqual([7]);

      const tooLong = rootTable('t'.repeat(64), [['id', 'bigint']], { writeDisposition: 'append' });
      const error = await session
        .write({ loadId, tables: [{ table: tooLong, rows: [rootRow(loadId, { id: 1 })] }], states: [] })
        .catch((caught: unknown) => caught);
      expect(DestinationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('64 bytes');
      await session.close();
    });

    it('should name the table and operation when a value does not fit its column, and stay usable', async () => {
      const dataset = newDataset();
      const table = rootTable('numbers', [['id', 'bigint']], {
        writeDisposition: 'merge',
        primaryKey: ['id'],
      });
      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      const loadId = testLoadId();
      const error = await session
        .write({ loadId, tables: [{ table, rows: [rootRow(loadId, { id: 'not a number' })] }], states: [] })
        .catch((caught: unknown) => caught);
      expect(DestinationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ table: 'numbers' });
      expect((error as Error).message).toMatch(/merge 1 rows for table "rs_\w+"\."numbers"/);
      expect((error as Error).cause).toBeInstanceOf(Error);
      await session.write({ loadId, tables: [{ table, rows: [rootRow(loadId, { id: 1 })] }], states: [] });
      expect((await readRows(target)(dataset, 'numbers')).map((row) => row.id)).toEqual([1]);
      await session.close();
    });

    it('should merge batch after batch through one staging table per shape, and a new one once a column widens', async () => {
      const dataset = newDataset();
      const narrow = rootTable(
        'items',
        [
          ['id', 'bigint'],
          ['size', 'bigint'],
        ],
        {
          writeDisposition: 'merge',
          primaryKey: ['id'],
        },
      );
      const wide = rootTable(
        'items',
        [
          ['id', 'bigint'],
          ['size', 'double'],
        ],
        {
          writeDisposition: 'merge',
          primaryKey: ['id'],
        },
      );
      const destination = await target.create();
      const loadId = testLoadId();
      const write = async (table: typeof narrow, rows: Row[]) => {
        const session = await destination.open({ pipeline: 'p', dataset });
        try {
          const result = await session.write({
            loadId,
            tables: [{ table, rows: rows.map((row) => rootRow(loadId, row)) }],
            states: [],
          });
          return result?.tables.items;
        } finally {
          await session.close();
        }
      };
      expect(
        await write(narrow, [
          { id: 1, size: 1 },
          { id: 2, size: 2 },
        ]),
      ).toEqual({ inserted: 2, updated: 0 });
      // The staging table kept no row of the last batch: only this batch's rows are merged and counted.
      expect(await write(narrow, [{ id: 2, size: 5 }])).toEqual({ inserted: 0, updated: 1 });
      expect(await write(wide, [{ id: 3, size: 1.5 }])).toEqual({ inserted: 1, updated: 0 });
      expect(await write(wide, [{ id: 1, size: 0.25 }])).toEqual({ inserted: 0, updated: 1 });
      const rows = await readRows(target)(dataset, 'items');
      expect(
        rows.map((row) => [Number(row.id), row.size]).sort((a, b) => Number(a[0]) - Number(b[0])),
      ).toEqual([
        [1, 0.25],
        [2, 5],
        [3, 1.5],
      ]);
    });

    it('should count merges exactly and store each key once, whether a batch brings only new keys or meets stored ones', async () => {
      const dataset = newDataset();
      const table = rootTable(
        'accounts',
        [
          ['id', 'bigint'],
          ['balance', 'bigint'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const destination = await target.create();
      const loadId = testLoadId();
      const writer = async () => {
        const session = await destination.open({ pipeline: 'p', dataset });
        const write = async (rows: Row[]) =>
          (
            await session.write({
              loadId,
              tables: [{ table, rows: rows.map((row) => rootRow(loadId, row)) }],
              states: [],
            })
          )?.tables.accounts;
        return { write, close: () => session.close() };
      };
      const first = await writer();
      expect(
        await first.write([
          { id: 1, balance: 10 },
          { id: 2, balance: 20 },
        ]),
      ).toEqual({ inserted: 2, updated: 0 });
      // A new key before a stored one: the new key is inserted once, not also counted as updated.
      expect(
        await first.write([
          { id: 3, balance: 30 },
          { id: 2, balance: 21 },
        ]),
      ).toEqual({ inserted: 1, updated: 1 });
      expect(await first.write([{ id: 4, balance: 40 }])).toEqual({ inserted: 1, updated: 0 });
      await first.close();
      const second = await writer();
      expect(await second.write([{ id: 5, balance: 50 }])).toEqual({ inserted: 1, updated: 0 });
      expect(
        await second.write([
          { id: 6, balance: 60 },
          { id: 1, balance: 11 },
          { id: 7, balance: 70 },
        ]),
      ).toEqual({ inserted: 2, updated: 1 });
      await second.close();
      const rows = await readRows(target)(dataset, 'accounts');
      expect(
        rows
          .map((row): [number, number] => [Number(row.id), Number(row.balance)])
          .sort((left, right) => left[0] - right[0]),
      ).toEqual([
        [1, 11],
        [2, 21],
        [3, 30],
        [4, 40],
        [5, 50],
        [6, 60],
        [7, 70],
      ]);
    });

    it('should refuse a column type change it cannot apply, writing nothing', async () => {
      const dataset = newDataset();
      const before = rootTable('things', [['size', 'bigint']], { writeDisposition: 'append' });
      const after = rootTable('things', [['size', 'json']], { writeDisposition: 'append' });
      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      const loadId = testLoadId();
      await session.write({
        loadId,
        tables: [{ table: before, rows: [rootRow(loadId, { size: 1 })] }],
        states: [],
      });
      await expect(
        session.write({
          loadId,
          tables: [{ table: after, rows: [rootRow(loadId, { size: { a: 1 } })] }],
          states: [],
        }),
      ).rejects.toThrow(/Column "size" of table .*"things" is bigint in the database/);
      expect((await readRows(target)(dataset, 'things')).map((row) => row.size)).toEqual([1]);
      await session.close();
    });

    it('should read the state and schema a 0.x dataset stored, and store documents from then on', async () => {
      const dataset = newDataset();
      // The system tables as restsync 0.x created them: state in columns, no document.
      await target.query(`CREATE SCHEMA ${quoteIdentifier(dataset)}`);
      await target.query(
        `CREATE TABLE ${qualifiedName(dataset, '_restsync_state')} (
           pipeline text NOT NULL, resource text NOT NULL, status text NOT NULL, checkpoint jsonb,
           load_id text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (pipeline, resource))`,
      );
      await target.query(
        `CREATE TABLE ${qualifiedName(dataset, '_restsync_schemas')} (
           version bigint PRIMARY KEY, schema jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
      );
      await target.query(
        `INSERT INTO ${qualifiedName(dataset, '_restsync_state')} VALUES
           ('p', 'items', 'in_progress', '{"offset": 300}', 'load-0', '2024-01-02T03:04:05Z'),
           ('p', 'users', 'complete', NULL, 'load-0', '2024-01-02T03:04:05Z')`,
      );
      const legacyTable = {
        name: 'items',
        resource: 'items',
        columns: [
          { name: 'id', type: 'bigint', nullable: false },
          { name: 'seen', type: 'timestamptz', nullable: true },
          { name: 'payload', type: 'jsonb', nullable: true },
          { name: 'flag', type: 'boolean', nullable: true },
        ],
        primaryKey: ['id'],
        writeDisposition: 'merge',
      };
      await target.query(
        `INSERT INTO ${qualifiedName(dataset, '_restsync_schemas')} (version, schema) VALUES (4, $1)`,
        [JSON.stringify({ version: 4, tables: [legacyTable] })],
      );

      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      expect(await session.readState('items')).toEqual({
        formatVersion: 1,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset: 300 },
        loadId: 'load-0',
        updatedAt: '2024-01-02T03:04:05.000Z',
      });
      expect((await session.readState('users'))?.checkpoint).toBeUndefined();
      const schema = await session.readSchema();
      expect(schema?.tables[0]?.columns.map((column) => column.type)).toEqual([
        'bigint',
        'timestamp',
        'json',
        'bool',
      ]);

      const loadId = testLoadId();
      const next = {
        ...resourceState('items', loadId, { offset: 400 }),
        incremental: { cursors: { '': { cursorPath: 'updated_at', lastValue: '2024-02-01T00:00:00Z' } } },
      };
      await session.write({ loadId, tables: [], states: [next] });
      await session.close();
      const reopened = await (await target.create()).open({ pipeline: 'p', dataset });
      expect(await reopened.readState('items')).toEqual(next);
      await reopened.close();
      // The 0.x columns still tell SQL readers where each resource stands.
      const [row] = await target.query(
        `SELECT status, checkpoint, load_id FROM ${qualifiedName(dataset, '_restsync_state')} WHERE resource = 'items'`,
      );
      expect(row).toEqual({ status: 'in_progress', checkpoint: { offset: 400 }, load_id: loadId });
    });

    it('should refuse merge without a primary key', async () => {
      const dataset = newDataset();
      const table = rootTable('keyless', [['id', 'bigint']], { writeDisposition: 'merge' });
      const session = await (await target.create()).open({ pipeline: 'p', dataset });
      const loadId = testLoadId();
      await expect(
        session.write({ loadId, tables: [{ table, rows: [rootRow(loadId, { id: 1 })] }], states: [] }),
      ).rejects.toThrow(/"keyless" uses write disposition "merge" but has no primary key/);
      await session.close();
    });
  });
}

describe('postgres', () => {
  it('should redact the password from its description and from connection errors', async () => {
    const destination = postgres({ url: 'postgres://root:supersecret@127.0.0.1:1/test' });
    expect(destination.description).toBe('postgres://root:***@127.0.0.1:1/test');
    const error = await destination.open({ pipeline: 'p', dataset: 'd' }).catch((caught: unknown) => caught);
    expect(DestinationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('postgres://root:***@127.0.0.1:1/test');
    expect(message).toContain('host 127.0.0.1, port 1');
    expect(message).toContain('Check that the server is running');
    expect(inspect(error, { depth: 5 })).not.toContain('supersecret');
    expect((error as DestinationError).isRetryable).toBe(true);
  });

  it('should describe its embedded forms', () => {
    expect(postgres().description).toBe('pglite:.restsync/pglite');
    expect(postgres({ url: 'pglite:memory' }).description).toBe('pglite:memory');
    expect(postgres({ url: 'pglite:./data/db' }).description).toBe('pglite:./data/db');
    expect(postgres({ url: 'pglite:///var/lib/restsync' }).description).toBe('pglite:/var/lib/restsync');
    expect(postgres().capabilities).toEqual({
      transactions: true,
      merge: true,
      mergeStrategies: ['upsert', 'delete-insert', 'scd2'],
      nesting: 'flatten',
      maxIdentifierLength: 63,
      writeCounts: true,
      slowOpen: true,
    });
  });

  it('should say it opens slowly only for a PGlite it starts itself, so only those runs fetch while it opens', async () => {
    expect(postgres({ url: 'pglite:memory' }).capabilities.slowOpen).toBe(true);
    expect(postgres({ url: 'postgres://user@127.0.0.1:5432/db' }).capabilities.slowOpen).toBeUndefined();
    const database = await PGlite.create();
    try {
      expect(postgres({ client: database }).capabilities.slowOpen).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('should persist a pglite:<directory> dataset across destination instances', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'restsync-pglite-'));
    try {
      const table = rootTable('items', [['id', 'bigint']], { writeDisposition: 'merge', primaryKey: ['id'] });
      const loadId = testLoadId();
      const first = await postgres({ url: `pglite:${directory}` }).open({
        pipeline: 'p',
        dataset: 'persisted',
      });
      await first.write({
        loadId,
        schema: { version: 1, tables: [table] },
        tables: [{ table, rows: [rootRow(loadId, { id: 1 }), rootRow(loadId, { id: 2 })] }],
        states: [resourceState('items', loadId, { offset: 2 })],
      });
      await first.close();

      const second = await postgres({ url: `pglite://${directory}` }).open({
        pipeline: 'p',
        dataset: 'persisted',
      });
      expect((await second.readState('items'))?.checkpoint).toEqual({ offset: 2 });
      expect((await second.readSchema())?.version).toBe(1);
      await second.close();

      const database = await PGlite.create(directory);
      const rows = await database.query<{ id: number }>('SELECT id FROM "persisted"."items" ORDER BY id');
      await database.close();
      expect(rows.rows.map((row) => row.id)).toEqual([1, 2]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('should keep a pglite:<directory> dataset whole when its process is killed mid-load, and let a rerun complete it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'restsync-pglite-kill-'));
    const load = (first: number, last: number, killAfter?: number) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--conditions=@restsync/source',
            '--import',
            'tsx',
            fileURLToPath(new URL('./__fixtures__/pglite-batch-writer.ts', import.meta.url)),
            directory,
            String(first),
            String(last),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let committed = first;
        let errors = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          for (const match of text.matchAll(/committed (\d+)/g)) committed = Number(match[1]);
          if (killAfter !== undefined && committed >= killAfter) child.kill('SIGKILL');
        });
        child.stderr.setEncoding('utf8').on('data', (text: string) => {
          errors += text;
        });
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          if (code === 0 || signal === 'SIGKILL') resolve(committed);
          else reject(new Error(`The loading process failed (${code}): ${errors}`));
        });
      });
    const stored = async () => {
      const session = await postgres({ url: `pglite:${directory}` }).open({
        pipeline: 'p',
        dataset: 'killed',
      });
      const state = await session.readState('items');
      await session.close();
      const database = await PGlite.create(directory);
      const { rows } = await database.query<{ count: number; distinct: number; max: number | null }>(
        'SELECT count(*)::int AS count, count(DISTINCT id)::int AS distinct, max(id)::int AS max FROM "killed"."items"',
      );
      await database.close();
      return { offset: (state?.checkpoint as { offset?: number } | undefined)?.offset ?? 0, ...rows[0] };
    };
    try {
      const printed = await load(0, 1_000_000, 3_000);
      const afterKill = await stored();
      // Every batch whose write returned is kept; a batch in flight is kept whole or not at all.
      expect(afterKill.offset).toBeGreaterThanOrEqual(printed);
      expect(afterKill).toMatchObject({ count: afterKill.offset, distinct: afterKill.offset });
      expect(await load(afterKill.offset, 5_000)).toBe(5_000);
      expect(await stored()).toEqual({ offset: 5_000, count: 5_000, distinct: 5_000, max: 4_999 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  // PGlite runs no autovacuum: at fill factor 100 every run that updated all rows added the table's whole size again.
  it('should keep a PGlite upsert table about the size of its first load over runs that update every row', async () => {
    const database = await openPglite(undefined);
    try {
      const destination = postgres({ client: database });
      const table = rootTable(
        'items',
        [
          ['id', 'bigint'],
          ['name', 'text'],
        ],
        { writeDisposition: 'merge', primaryKey: ['id'] },
      );
      const size = async () =>
        (
          await database.query<{ heap: number; index: number }>(
            `SELECT pg_relation_size('"grown"."items"')::int AS heap, pg_relation_size('"grown"."items_pkey"')::int AS index`,
          )
        ).rows[0];
      const load = async (generation: number) => {
        const session = await destination.open({ pipeline: 'p', dataset: 'grown' });
        const loadId = testLoadId();
        const rows = Array.from({ length: 3_000 }, (_, id) =>
          rootRow(loadId, { id, name: `name-${id}-generation-${generation}` }),
        );
        const written = await session.write({ loadId, tables: [{ table, rows }], states: [] });
        await session.close();
        return written?.tables.items;
      };
      expect(await load(1)).toEqual({ inserted: 3_000, updated: 0 });
      const first = await size();
      for (const generation of [2, 3, 4]) {
        expect(await load(generation)).toEqual({ inserted: 0, updated: 3_000 });
      }
      const last = await size();
      expect(last?.heap).toBeLessThanOrEqual((first?.heap ?? 0) * 1.1);
      expect(last?.index).toBe(first?.index);
      const [row] = (await database.query<{ name: string }>('SELECT name FROM "grown"."items" WHERE id = 7'))
        .rows;
      expect(row?.name).toBe('name-7-generation-4');
    } finally {
      await database.close();
    }
  });
});
