import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/**
 * The tar of a packed data directory, decompressed off the calling thread in output chunks of
 * 1 MB instead of zlib's 16 kB: the 28 MB a data directory unpacks to comes back in 27 pieces to
 * join, not 1 700.
 */
export function unpackTar(packed: Buffer): Promise<Buffer> {
  return gunzipAsync(packed, { chunkSize: 1 << 20 });
}

/**
 * A packed, pre-initialized PGlite data directory: what `initdb` writes, as a gzipped tar (ustar,
 * names rooted at `/` as PGlite's `loadDataDir` expects). The build packs it once, so a new
 * directory starts from a copy instead of running `initdb` in WebAssembly (seconds of CPU).
 */

const block = 512;
/** Left behind by a closed PGlite; it belongs to one process and must not travel. */
const notPacked = new Set(['postmaster.pid']);

function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8');
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, directory: boolean, mode: number): Buffer {
  const header = Buffer.alloc(block);
  if (Buffer.byteLength(name) > 100) throw new Error(`${name}: a packed data-dir path must fit 100 bytes`);
  writeField(header, 0, 100, name);
  writeField(header, 100, 8, octal(mode & 0o7777, 8));
  writeField(header, 108, 8, octal(0, 8));
  writeField(header, 116, 8, octal(0, 8));
  writeField(header, 124, 12, octal(size, 12));
  writeField(header, 136, 12, octal(0, 12));
  writeField(header, 148, 8, '        ');
  writeField(header, 156, 1, directory ? '5' : '0');
  writeField(header, 257, 8, 'ustar\u000000');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeField(header, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** Packs `directory` (a closed PGlite data directory) into a gzipped tar. */
export async function packDataDir(directory: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = (await readdir(join(directory, relative), { withFileTypes: true })).sort((left, right) =>
      left.name.localeCompare(right.name),
    );
    for (const entry of entries) {
      if (relative === '' && notPacked.has(entry.name)) continue;
      const name = `${relative}/${entry.name}`;
      const path = join(directory, name);
      const { mode } = await stat(path);
      if (entry.isDirectory()) {
        parts.push(tarHeader(name, 0, true, mode));
        await walk(name);
      } else if (entry.isFile()) {
        const data = await readFile(path);
        parts.push(tarHeader(name, data.length, false, mode), data, Buffer.alloc(-data.length & (block - 1)));
      }
    }
  };
  await walk('');
  parts.push(Buffer.alloc(block * 2));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

function readString(tar: Buffer, offset: number, length: number): string {
  const end = tar.indexOf(0, offset);
  return tar.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/** One file or directory of a packed data directory. */
interface PackedEntry {
  name: string;
  mode: number;
  directory: boolean;
  data: Buffer;
}

function readEntries(tar: Buffer): PackedEntry[] {
  const entries: PackedEntry[] = [];
  let offset = 0;
  while (offset + block <= tar.length && tar[offset] !== 0) {
    const name = readString(tar, offset, 100);
    const mode = Number.parseInt(readString(tar, offset + 100, 8), 8);
    const size = Number.parseInt(readString(tar, offset + 124, 12), 8);
    const directory = tar[offset + 156] === '5'.charCodeAt(0);
    if (name.split('/').includes('..')) throw new Error(`packed data dir: refusing the path ${name}`);
    entries.push({ name, mode, directory, data: tar.subarray(offset + block, offset + block + size) });
    offset += block + Math.ceil(size / block) * block;
  }
  return entries;
}

/** The PostgreSQL major version (`PG_VERSION`) of a packed data directory, if it has one. */
export async function packedPostgresVersion(packed: Buffer): Promise<string | undefined> {
  const entry = readEntries(await unpackTar(packed)).find((each) => each.name === '/PG_VERSION');
  return entry?.data.toString('utf8').trim();
}

/**
 * Writes the files of a packed data directory (`packDataDir`'s output) under `directory`. It
 * decompresses off the calling thread and writes the files (about a thousand) concurrently once
 * their directories exist, so a first open spends its time on PGlite, not on waiting for writes.
 */
export async function unpackDataDir(packed: Buffer, directory: string): Promise<void> {
  const entries = readEntries(await unpackTar(packed));
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (const entry of entries) {
    if (entry.directory) await mkdir(join(directory, entry.name), { recursive: true, mode: entry.mode });
  }
  // Every write settles before a failure is thrown, so the caller's clean-up never races one.
  const writes = await Promise.allSettled(
    entries
      .filter((entry) => !entry.directory)
      .map((entry) => writeFile(join(directory, entry.name), entry.data, { mode: entry.mode })),
  );
  const failed = writes.find((write) => write.status === 'rejected');
  if (failed) throw failed.reason;
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
    ]) {
      await database.exec(statement);
    }
    await database.close();
    await writeFile(file, await packDataDir(join(directory, 'data')));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
