import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedFileContent, packTree } from './packed-tree';

/**
 * A packed, pre-initialized PGlite data directory: what `initdb` writes, packed once by the build
 * (see `packed-tree.ts` for the format), so a new directory starts from a copy instead of running
 * `initdb` in WebAssembly (seconds of CPU).
 */

/** Left behind by a closed PGlite; it belongs to one process and must not travel. */
const notPacked = new Set(['postmaster.pid']);

/** The PostgreSQL major version (`PG_VERSION`) of a packed data directory, if it has one. */
export async function packedPostgresVersion(packed: Buffer): Promise<string | undefined> {
  return (await packedFileContent(packed, '/PG_VERSION'))?.toString('utf8').trim();
}

/**
 * The one database of an embedded PGlite: PGlite's default (`postgres`), so a plain
 * `PGlite.create(directory)` opens the synced tables. restsync names it at every open so another
 * default in a later PGlite cannot point a directory elsewhere.
 */
export const pgliteDatabase = 'postgres';

/**
 * Runs `initdb` once (a new PGlite on an empty directory), closes it cleanly and packs the
 * directory into `file`. The build calls this; the PGlite version that ran `initdb` is the one
 * whose name the file carries (see `packedDataDirFile`).
 *
 * `initdb` also creates the `template1` and `template0` databases, which a PGlite never connects
 * to. They are dropped before packing (through SQL, so the catalog stays consistent): a new
 * directory then starts with about 400 files instead of 1 000, and on a disk where creating a file
 * costs 0.3–1 ms that is most of a first open's unpacking. (`CREATE DATABASE` in such a
 * directory names its template: `TEMPLATE postgres`.)
 */
export async function writePackedDataDir(file: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const directory = await mkdtemp(join(tmpdir(), 'restsync-pglite-initdb-'));
  try {
    const database = await PGlite.create(join(directory, 'data'), { database: pgliteDatabase });
    // One statement at a time: DROP DATABASE cannot run inside a multi-statement query.
    for (const statement of [
      'ALTER DATABASE template1 IS_TEMPLATE false',
      'DROP DATABASE template1',
      'ALTER DATABASE template0 IS_TEMPLATE false',
      'DROP DATABASE template0',
      // initdb's WAL (7 MB of it) is not needed once a checkpoint follows it: a switch to the next
      // segment, with recycling off, makes the checkpoint remove the old one, so the directory
      // ships a WAL segment of a few hundred bytes and zeros.
      'SET wal_recycle = off',
      'SELECT pg_switch_wal()',
      'CHECKPOINT',
    ]) {
      await database.exec(statement);
    }
    await database.close();
    await writeFile(file, await packTree(join(directory, 'data'), notPacked));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
