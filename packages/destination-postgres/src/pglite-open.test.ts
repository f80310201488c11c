import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { resourceState, rootRow, rootTable, testLoadId } from '@restsync/testing/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackedDataDir } from './pglite-data-dir';
import { openPglite, pgliteSharedBuffers } from './pglite-open';
import { postgres } from './postgres-destination';

let scratch: string;
let packedFile: string;
/** The system identifier initdb gave the packed directory: a copy keeps it, a new initdb draws another. */
let packedIdentifier: string;

async function systemIdentifier(database: PGlite): Promise<string> {
  const result = await database.query<{ id: string }>(
    'SELECT system_identifier::text AS id FROM pg_control_system()',
  );
  return result.rows[0]?.id ?? '';
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'restsync-pglite-open-'));
  packedFile = join(scratch, 'packed.tar.br');
  await writePackedDataDir(packedFile);
  const reference = await openPglite(join(scratch, 'reference'), packedFile);
  packedIdentifier = await systemIdentifier(reference);
  await reference.close();
}, 300_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('openPglite', () => {
  it('should open a new directory from the packed data directory, not from a new initdb', async () => {
    const database = await openPglite(join(scratch, 'nested', 'new-directory'), packedFile);
    try {
      expect(await systemIdentifier(database)).toBe(packedIdentifier);
    } finally {
      await database.close();
    }
  });

  it('should start a new directory with only the database PGlite runs in, and few files', async () => {
    const directory = join(scratch, 'one-database');
    const database = await openPglite(directory, packedFile);
    try {
      const names = await database.query<{ datname: string }>('SELECT datname FROM pg_database');
      expect(names.rows).toEqual([{ datname: 'postgres' }]);
      expect((await database.query('SELECT current_database() AS name')).rows).toEqual([
        { name: 'postgres' },
      ]);
    } finally {
      await database.close();
    }
    // initdb's three databases came to about 1 000 files; the one kept is about 400.
    const files = await readdir(directory, { recursive: true });
    expect(files.length).toBeLessThan(500);
  });

  it('should open an empty existing directory and an in-memory database from the packed data directory', async () => {
    const empty = join(scratch, 'empty');
    await mkdir(empty);
    const onDisk = await openPglite(empty, packedFile);
    const inMemory = await openPglite(undefined, packedFile);
    try {
      expect(await systemIdentifier(onDisk)).toBe(packedIdentifier);
      expect(await systemIdentifier(inMemory)).toBe(packedIdentifier);
    } finally {
      await onDisk.close();
      await inMemory.close();
    }
  });

  it('should hold exactly the rows of two runs into a new directory, and keep them on a warm reopen', async () => {
    const directory = join(scratch, 'two-runs');
    const table = rootTable('items', [['id', 'bigint']], { writeDisposition: 'merge', primaryKey: ['id'] });
    const run = async (ids: number[]) => {
      const database = await openPglite(directory, packedFile);
      try {
        const session = await postgres({ client: database }).open({ pipeline: 'p', dataset: 'twice' });
        const loadId = testLoadId();
        await session.write({
          loadId,
          schema: { version: 1, tables: [table] },
          tables: [{ table, rows: ids.map((id) => rootRow(loadId, { id })) }],
          states: [resourceState('items', loadId, { offset: ids.length })],
        });
        await session.close();
      } finally {
        await database.close();
      }
    };
    await run([1, 2, 3]);
    await run([3, 4]);
    const reopened = await openPglite(directory, packedFile);
    try {
      expect(await systemIdentifier(reopened)).toBe(packedIdentifier);
      const rows = await reopened.query<{ id: number }>('SELECT id FROM "twice"."items" ORDER BY id');
      expect(rows.rows.map((row) => row.id)).toEqual([1, 2, 3, 4]);
    } finally {
      await reopened.close();
    }
  });

  it('should open a new directory whose first open was killed while it unpacked', async () => {
    const directory = join(scratch, 'killed-first-open');
    // What a process killed mid-unpack leaves: a partial copy beside the directory, never the directory.
    const leftover = `${directory}.unpacking-0123456789ab`;
    await mkdir(join(leftover, 'base', '1'), { recursive: true });
    await writeFile(join(leftover, 'PG_VERSION'), '17\n');
    await writeFile(join(leftover, 'base', '1', '1259'), Buffer.alloc(100, 1));
    const database = await openPglite(directory, packedFile);
    try {
      expect(await systemIdentifier(database)).toBe(packedIdentifier);
      await database.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
    } finally {
      await database.close();
    }
    const reopened = await openPglite(directory, packedFile);
    try {
      expect((await reopened.query<{ id: number }>('SELECT id FROM kept')).rows).toEqual([{ id: 1 }]);
    } finally {
      await reopened.close();
    }
  });

  it("should start PostgreSQL with restsync's shared buffer pool, not PGlite's 128 MB", async () => {
    const database = await openPglite(join(scratch, 'shared-buffers'), packedFile);
    try {
      const setting = await database.query<{ size: string }>(
        "SELECT current_setting('shared_buffers') AS size",
      );
      expect(setting.rows).toEqual([{ size: pgliteSharedBuffers }]);
      expect(pgliteSharedBuffers).not.toBe('128MB');
    } finally {
      await database.close();
    }
  });

  it('should name both PostgreSQL versions and what to do, and change nothing, when a directory is of another major version', async () => {
    // A directory a PGlite of another PostgreSQL major version wrote: the reference copy, with the
    // version file an older PGlite leaves (PostgreSQL refuses to start on it).
    const directory = join(scratch, 'older-postgres');
    await cp(join(scratch, 'reference'), directory, { recursive: true });
    const current = (await readFile(join(directory, 'PG_VERSION'), 'utf8')).trim();
    const older = String(Number(current) - 1);
    await writeFile(join(directory, 'PG_VERSION'), `${older}\n`);
    const before = (await readdir(directory, { recursive: true })).sort();

    const failure = await openPglite(directory, packedFile).then(
      () => undefined,
      (error: unknown) => error as Error & { hint?: string },
    );
    expect(failure?.message).toMatch(
      new RegExp(
        `holds a PostgreSQL ${older} database.*@electric-sql/pglite \\d+\\.\\d+\\.\\d+\\) runs PostgreSQL ${current}, which cannot open it`,
      ),
    );
    expect(failure?.hint).toMatch(/^Sync into a new directory \(a full load\)/);
    expect((await readdir(directory, { recursive: true })).sort()).toEqual(before);
    expect(await readFile(join(directory, 'PG_VERSION'), 'utf8')).toBe(`${older}\n`);
  });

  it("should keep PGlite's own error when a directory of the same version cannot be opened", async () => {
    const directory = join(scratch, 'same-version-broken');
    await mkdir(directory);
    await writeFile(join(directory, 'PG_VERSION'), await readFile(join(scratch, 'reference', 'PG_VERSION')));
    const failure = await openPglite(directory, packedFile).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure?.message).not.toMatch(/holds a PostgreSQL/);
  });

  it('should run initdb itself when the packed file is missing or unreadable', async () => {
    const broken = join(scratch, 'broken.tar.br');
    await writeFile(broken, 'not a tarball');
    const database = await openPglite(join(scratch, 'from-initdb'), broken);
    try {
      const identifier = await systemIdentifier(database);
      expect(identifier).not.toBe(packedIdentifier);
      expect(identifier).not.toBe('');
    } finally {
      await database.close();
    }
  });

  // Regression: every PGlite run loaded the `pg` driver (and pg-copy-streams) at import.
  it('should not load the pg driver for an embedded database', async () => {
    const session = await postgres({ url: 'pglite:memory' }).open({ pipeline: 'p', dataset: 'no_pg' });
    await session.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((path) => /[\\/]node_modules[\\/](pg|pg-copy-streams)[\\/]/.test(path))).toEqual([]);
  });
});
