import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { standardTar, unpackTree } from './packed-tree';
import { packedPostgresVersion, pgliteDatabase } from './pglite-data-dir';

/**
 * Where the build puts the packed data directory, named after the PGlite version that ran
 * `initdb`: another installed version (a data directory it may not read) finds no file and runs
 * `initdb` itself. The same path from `src/` (tests) and from `dist/` (the package).
 */
export function packedDataDirFile(pgliteVersion: string): string {
  return fileURLToPath(new URL(`../dist/pglite-${pgliteVersion}-data-dir.tar.br`, import.meta.url));
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
    await unpackTree(packed, staging);
    await rename(staging, directory);
    return true;
  } catch {
    return false;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** PGlite's WebAssembly build, beside its entry module. */
function pgliteWasmFile(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
}

/**
 * Reads and compiles PGlite's WebAssembly module. V8 compiles on threads of its own, so this runs
 * while the caller imports PGlite and unpacks the data directory. Undefined if it cannot: PGlite
 * then loads the module itself, as it does without this.
 */
async function compilePglite(): Promise<PGliteOptions['pgliteWasmModule']> {
  // Node's global WebAssembly: this package's `lib` types the namespace, not the value.
  const { WebAssembly } = globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<NonNullable<PGliteOptions['pgliteWasmModule']>> };
  };
  try {
    return await WebAssembly.compile(await readFile(pgliteWasmFile()));
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL's shared buffer pool inside PGlite. PGlite's default is PostgreSQL's 128 MB, which
 * every open zeroes and touches page by page in WebAssembly memory: about 0.4 s of a 1 s open,
 * and 100 MB of resident memory. A single backend loading pages through the operating system's
 * file cache gains nothing measurable from the larger pool (100 000 rows merged in 5 000-row
 * batches took as long with 32 MB), so restsync starts it with 32 MB.
 */
export const pgliteSharedBuffers = '32MB';

/** PGlite's own start parameters, with restsync's shared buffer pool (see `pgliteSharedBuffers`). */
function pgliteStartParams(PGliteClass: typeof PGlite): string[] {
  return [...PGliteClass.defaultStartParams, '-c', `shared_buffers=${pgliteSharedBuffers}`];
}

/** What opening PGlite needs before it touches a directory: PGlite's module and its compiled WebAssembly. */
export interface PreparedPglite {
  PGlite: typeof PGlite;
  wasmModule: PGliteOptions['pgliteWasmModule'];
}

/**
 * Loads PGlite and compiles its WebAssembly module (V8 compiles on threads of its own while
 * PGlite's JavaScript loads). It reads no data directory and writes nothing, so a worker thread
 * can do it before it is told which directory to open (see `pglite-worker-start.ts`).
 */
export async function preparePglite(): Promise<PreparedPglite> {
  const [wasmModule, { PGlite }] = await Promise.all([compilePglite(), import('@electric-sql/pglite')]);
  return { PGlite, wasmModule };
}

async function readPostgresVersion(directory: string): Promise<string | undefined> {
  try {
    return (await readFile(join(directory, 'PG_VERSION'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * Why PGlite could not open an existing directory, when the reason is the one a user meets after
 * an upgrade: the directory was written by another PostgreSQL major version than the installed
 * PGlite runs (PGlite's own error only says it "failed to initialize properly"). Undefined when
 * the versions agree or either is unknown: the caller keeps PGlite's error.
 */
async function versionMismatch(
  directory: string,
  packedFile: string,
  failure: unknown,
): Promise<Error | undefined> {
  const found = await readPostgresVersion(directory);
  const packed = await readPacked(packedFile);
  const expected = packed === undefined ? undefined : await packedPostgresVersion(packed);
  if (found === undefined || expected === undefined || found === expected) return undefined;
  const mismatch = new Error(
    `the directory holds a PostgreSQL ${found} database, and the installed PGlite ` +
      `(@electric-sql/pglite ${await installedPgliteVersion()}) runs PostgreSQL ${expected}, which cannot open it`,
    { cause: failure },
  );
  return Object.assign(mismatch, {
    hint: 'Sync into a new directory (a full load), or move the tables over with pg_dump and the PGlite that wrote it.',
  });
}

/**
 * Opens PGlite on `directory` (undefined: in memory). A new or empty directory, and a new
 * in-memory database, start from the packed data directory when the build left one for the
 * installed PGlite version: no `initdb` at open. Without it (or if PGlite refuses the copy),
 * PGlite initializes the directory itself, as it always did. PGlite loads and its WebAssembly
 * module compiles (`prepared`, when the caller started that earlier) while the directory is
 * prepared.
 */
export async function openPglite(
  directory: string | undefined,
  packedFile?: string,
  prepared: Promise<PreparedPglite> = preparePglite(),
): Promise<PGlite> {
  // Awaited only by `create`: a failure before it must not leave the preparation's rejection unheard.
  prepared.catch(() => undefined);
  const file = packedFile ?? packedDataDirFile(await installedPgliteVersion());
  const create = async (options: { loadDataDir?: Blob } = {}) => {
    const { PGlite, wasmModule } = await prepared;
    return PGlite.create({
      database: pgliteDatabase,
      ...(directory === undefined ? {} : { dataDir: directory }),
      ...options,
      startParams: pgliteStartParams(PGlite),
      ...(wasmModule === undefined ? {} : { pgliteWasmModule: wasmModule }),
    });
  };
  if (directory === undefined) {
    const packed = await readPacked(file);
    if (packed === undefined) return create();
    try {
      return await create({
        loadDataDir: new Blob([await standardTar(packed)], { type: 'application/x-tar' }),
      });
    } catch {
      return create();
    }
  }
  if (!(await isEmptyOrMissing(directory))) {
    try {
      return await create();
    } catch (error) {
      throw (await versionMismatch(directory, file, error)) ?? error;
    }
  }
  const packed = await readPacked(file);
  const placed = packed !== undefined && (await placePacked(packed, directory));
  try {
    return await create();
  } catch (error) {
    if (!placed) throw error;
    // The copy was ours and PGlite could not start on it: start over with its own initdb.
    await rm(directory, { recursive: true, force: true });
    return create();
  }
}
