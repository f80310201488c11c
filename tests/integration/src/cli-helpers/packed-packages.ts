import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './spawn-cli';

const run = promisify(execFile);

/** Every file an exports map points at outside the source condition (`types`, `default`). */
function exportedFiles(exports: unknown): string[] {
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.entries(exports).flatMap(([key, value]) => {
    if (key === '@restsync/source') return [];
    return typeof value === 'string' ? [value] : exportedFiles(value);
  });
}

/**
 * Fails before packing a package whose build is missing a file its exports name (no build, or a
 * build running now: tsup writes the JavaScript first and the declarations a minute later).
 */
function assertBuildComplete(packageDirectory: string): void {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    name: string;
    exports?: unknown;
  };
  const missing = exportedFiles(manifest.exports).filter((file) => !existsSync(join(packageDirectory, file)));
  if (missing.length > 0) {
    throw new Error(
      `${manifest.name} cannot be packed, its build lacks ${missing.join(', ')}: run pnpm build first (or let a running build finish).`,
    );
  }
}

/**
 * Packs workspace packages (`['core', 'testing']`, folder names under packages/) as they would be
 * published, into `<project>/tarballs`; returns each one's `file:./tarballs/…` specifier. Needs
 * `pnpm build` first (a tarball ships `dist`).
 */
export async function packPackages(project: string, names: string[]): Promise<Record<string, string>> {
  const tarballs = join(project, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  for (const name of names) {
    assertBuildComplete(join(repositoryRoot, 'packages', name));
    await run('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], {
      cwd: join(repositoryRoot, 'packages', name),
    });
  }
  const files = await readdir(tarballs);
  return Object.fromEntries(
    names.map((name) => {
      const file = files.find((candidate) => candidate.startsWith(`restsync-${name}-`));
      if (file === undefined) throw new Error(`no tarball for @restsync/${name} in ${files.join(', ')}`);
      return [`@restsync/${name}`, `file:./tarballs/${file}`];
    }),
  );
}

/**
 * Writes `manifest` as the project's package.json, with `overrides` pointing every packed
 * `@restsync/*` package at its tarball (a dependency's own `@restsync` dependencies included), and
 * runs `npm install` there, as a user outside the repository would.
 */
export async function npmInstall(
  project: string,
  manifest: Record<string, unknown>,
  tarballs: Record<string, string>,
): Promise<void> {
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ ...manifest, overrides: tarballs }, null, 2),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env: { ...process.env, npm_config_workspaces: undefined },
    maxBuffer: 16 * 1024 * 1024,
  });
}
