import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedFileContent, packTree, standardTar, unpackTree } from './packed-tree';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'restsync-packed-tree-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** 100 kB of data, then 16 MB of zeros: the shape of a new WAL segment. */
const walLike = Buffer.concat([Buffer.alloc(100_000, 9)], 100_000 + (16 << 20));

describe('packTree', () => {
  it('should restore every file and directory it packed, byte for byte', async () => {
    const source = join(scratch, 'round-trip-source');
    await mkdir(join(source, 'base', '1'), { recursive: true });
    await writeFile(join(source, 'PG_VERSION'), '17\n');
    await writeFile(join(source, 'base', '1', '1259'), Buffer.alloc(8192 + 3, 7));
    await writeFile(join(source, 'postmaster.pid'), '42');
    const target = join(scratch, 'round-trip-target');
    await unpackTree(await packTree(source, new Set(['postmaster.pid'])), target);
    expect(await readFile(join(target, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(await readFile(join(target, 'base', '1', '1259'))).toEqual(Buffer.alloc(8192 + 3, 7));
    // A closed PGlite's pid file belongs to its process: a copy must not carry it.
    await expect(readFile(join(target, 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
  });
});

describe('unpackTree', () => {
  it('should restore every file of a tree with many directories, each with its mode', async () => {
    const source = join(scratch, 'many-files-source');
    for (let directory = 0; directory < 20; directory++) {
      await mkdir(join(source, 'base', String(directory)), { recursive: true });
      for (let file = 0; file < 30; file++) {
        await writeFile(
          join(source, 'base', String(directory), String(file)),
          Buffer.alloc(file * 100, directory),
        );
      }
    }
    await writeFile(join(source, 'postgresql.conf'), 'x = 1\n', { mode: 0o600 });
    const target = join(scratch, 'many-files-target');
    await unpackTree(await packTree(source, new Set(['postmaster.pid'])), target);
    for (let directory = 0; directory < 20; directory++) {
      for (let file = 0; file < 30; file++) {
        expect(await readFile(join(target, 'base', String(directory), String(file)))).toEqual(
          Buffer.alloc(file * 100, directory),
        );
      }
    }
    expect((await stat(join(target, 'postgresql.conf'))).mode & 0o777).toBe(0o600);
  });
  // Regression: a failed write rejected while the others were still writing, racing the clean-up.
  it('should reject on a file it cannot write only after every other file is written', async () => {
    const source = join(scratch, 'one-bad-file-source');
    await mkdir(join(source, 'base'), { recursive: true });
    await writeFile(join(source, 'base', 'blocked'), 'x');
    await writeFile(join(source, 'base', 'written'), Buffer.alloc(1 << 20, 3));
    const target = join(scratch, 'one-bad-file-target');
    await mkdir(join(target, 'base', 'blocked'), { recursive: true });
    await expect(unpackTree(await packTree(source), target)).rejects.toThrow(/EISDIR/);
    expect(await readFile(join(target, 'base', 'written'))).toEqual(Buffer.alloc(1 << 20, 3));
  });
});

describe('files that end in zeros', () => {
  it('should pack a file without its zero tail and restore it byte for byte at its size', async () => {
    const source = join(scratch, 'zero-tail-source');
    await mkdir(join(source, 'pg_wal'), { recursive: true });
    await writeFile(join(source, 'pg_wal', '000000010000000000000001'), walLike);
    await writeFile(join(source, 'empty'), Buffer.alloc(0));
    await writeFile(join(source, 'zeros'), Buffer.alloc(8192));
    const packed = await packTree(source);
    // The 16 MB of zeros are not in the tar: it holds the data and the sizes.
    expect(brotliDecompressSync(packed).length).toBeLessThan(200_000);

    const target = join(scratch, 'zero-tail-target');
    await unpackTree(packed, target);
    const restored = await readFile(join(target, 'pg_wal', '000000010000000000000001'));
    expect(restored.length).toBe(walLike.length);
    expect(restored.equals(walLike)).toBe(true);
    expect(await readFile(join(target, 'empty'))).toEqual(Buffer.alloc(0));
    expect(await readFile(join(target, 'zeros'))).toEqual(Buffer.alloc(8192));
    await expect(readFile(join(target, '.restsync-sizes'))).rejects.toThrow(/ENOENT/);
    expect((await packedFileContent(packed, '/pg_wal/000000010000000000000001'))?.equals(walLike)).toBe(true);
  });

  it('should give a standard tar with every file whole, which tar(1) extracts', async () => {
    const source = join(scratch, 'standard-source');
    await mkdir(join(source, 'pg_wal'), { recursive: true });
    await writeFile(join(source, 'pg_wal', 'segment'), walLike);
    await writeFile(join(source, 'PG_VERSION'), '18\n');
    const tarFile = join(scratch, 'standard.tar');
    await writeFile(tarFile, await standardTar(await packTree(source)));
    const target = join(scratch, 'standard-target');
    await mkdir(target);
    execFileSync('tar', ['-xf', tarFile, '-C', target]);
    expect((await readFile(join(target, 'pg_wal', 'segment'))).equals(walLike)).toBe(true);
    expect(await readFile(join(target, 'PG_VERSION'), 'utf8')).toBe('18\n');
    await expect(stat(join(target, '.restsync-sizes'))).rejects.toThrow(/ENOENT/);
  });
});
