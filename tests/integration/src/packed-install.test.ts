import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReferenceApi } from '@restsync/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess } from './cli-helpers/child-processes';
import { repositoryRoot } from './cli-helpers/spawn-cli';
import { seedSource } from './cli-helpers/sync-config';
import { pgliteQuery } from './cli-helpers/test-database';

// A user's first hour: `npm install @restsync/cli` in an empty folder outside the repository (the
// packages packed as they would be published), then the seed config into PGlite on disk, twice.

const run = promisify(execFile);
const apiKey = 'packed-key-6b1e9d3a';
/** What `npm install @restsync/cli` pulls from the workspace: the CLI, core and the adapters it depends on. */
const packages = [
  'cli',
  'core',
  'destination-postgres',
  'paginator-offset',
  'paginator-link',
  'paginator-cursor',
  'paginator-page-number',
  'auth-api-key',
  'auth-basic',
  'auth-bearer',
  'auth-oauth2',
  // A hard dependency of the CLI for `--engine` (see its package.json).
  'engine-bullmq',
];

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'restsync-packed-'));
  const tarballs = join(project, 'tarballs');
  await mkdir(tarballs);
  for (const name of packages) {
    await run('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], {
      cwd: join(repositoryRoot, 'packages', name),
    });
  }
  const files = await readdir(tarballs);
  const tarballOf = (name: string) => {
    const file = files.find((candidate) => candidate.startsWith(`restsync-${name}-`));
    if (file === undefined) throw new Error(`no tarball for @restsync/${name} in ${files.join(', ')}`);
    return `file:./tarballs/${file}`;
  };
  // Only the CLI is a dependency, as for a user; overrides point its @restsync dependencies at the tarballs.
  const overrides = Object.fromEntries(packages.map((name) => [`@restsync/${name}`, tarballOf(name)]));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'packed-install',
      private: true,
      type: 'module',
      dependencies: { '@restsync/cli': tarballOf('cli') },
      overrides,
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env: { ...process.env, npm_config_workspaces: undefined },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 900_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

function restsync(args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, API_KEY: apiKey };
  return startProcess(
    process.execPath,
    [join(project, 'node_modules/@restsync/cli/bin/restsync.js'), ...args],
    {
      cwd: project,
      env,
      timeoutMs: 300_000,
    },
  ).exited;
}

describe('npm install @restsync/cli, outside the repository', () => {
  it('should install without MongoDB and run the seed config into PGlite on disk twice without duplicates', async () => {
    await expect(readdir(join(project, 'node_modules/@restsync'))).resolves.not.toContain(
      'destination-mongodb',
    );
    const api = await startReferenceApi({ records: 250, apiKey });
    try {
      await writeFile(join(project, 'sync.json'), JSON.stringify({ source: seedSource(api.url) }));

      const first = await restsync(['run', 'sync.json']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain(
        `opening PGlite at ${join(project, '.restsync', 'pglite')} (the default`,
      );
      const second = await restsync(['run', 'sync.json']);
      expect(second.code, second.stderr).toBe(0);

      const [row] = await pgliteQuery<{ rows: number; ids: number }>(
        join(project, '.restsync', 'pglite'),
        'select count(*)::int as rows, count(distinct id)::int as ids from sync_dataset.resource_name',
      );
      expect(row).toEqual({ rows: 250, ids: 250 });
      expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(apiKey);
    } finally {
      await api.close();
    }
  });

  it('should name the install command when a mongodb:// destination needs a package that is not installed', async () => {
    await writeFile(
      join(project, 'mongo.json'),
      JSON.stringify({ source: seedSource('http://127.0.0.1:9') }),
    );
    const result = await restsync(['run', 'mongo.json', '--destination', 'mongodb://127.0.0.1:27017']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm install @restsync/destination-mongodb');
  });
});
