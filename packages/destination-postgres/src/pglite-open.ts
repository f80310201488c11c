import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { unpackDataDir } from './pglite-data-dir';

/**
 * Where the build puts the packed data directory, named after the PGlite version that ran
 * `initdb`: another installed version (a data directory it may not read) finds no file and runs
 * `initdb` itself. The same path from `src/` (tests) and from `dist/` (the package).
 */
export function packedDataDirFile(pgliteVersion: string): string {
  return fileURLToPath(new URL(`../dist/pglite-${pgliteVersion}-data-dir.tar.gz`, import.meta.url));
}

/** The version of the installed `@electric-sql/pglite` (its package.json is not exported). */
export async function installedPgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function readPacked(file: string | undefined): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

async function isEmptyOrMissing(directory: string): Promise<boolean> {
  try {
    return (await readdir(directory)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Unpacks into a sibling directory and renames it into place, so two processes opening the same
 * new directory never mix their files: the second rename fails and that process opens the
 * first one's copy. True when this call placed the copy.
 */
async function placePacked(packed: Buffer, directory: string): Promise<boolean> {
  const staging = `${directory}.unpacking-${randomBytes(6).toString('hex')}`;
  try {
    await unpackDataDir(packed, staging);
    await rename(staging, directory);
    return true;
  } catch {
    return false;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Opens PGlite on `directory` (undefined: in memory). A new or empty directory, and a new
 * in-memory database, start from the packed data directory when the build left one for the
 * installed PGlite version: no `initdb` at open. Without it (or if PGlite refuses the copy),
 * PGlite initializes the directory itself, as it always did.
 */
export async function openPglite(directory: string | undefined, packedFile?: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const file = packedFile ?? packedDataDirFile(await installedPgliteVersion());
  if (directory === undefined) {
    const packed = await readPacked(file);
    if (packed === undefined) return PGlite.create();
    try {
      const loadDataDir = new Blob([gunzipSync(packed)], { type: 'application/x-tar' });
      return await PGlite.create({ loadDataDir });
    } catch {
      return PGlite.create();
    }
  }
  if (!(await isEmptyOrMissing(directory))) return PGlite.create(directory);
  const packed = await readPacked(file);
  const placed = packed !== undefined && (await placePacked(packed, directory));
  try {
    return await PGlite.create(directory);
  } catch (error) {
    if (!placed) throw error;
    // The copy was ours and PGlite could not start on it: start over with its own initdb.
    await rm(directory, { recursive: true, force: true });
    return PGlite.create(directory);
  }
}
