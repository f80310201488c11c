import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceApi } from '@restsync/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess } from './cli-helpers/child-processes';
import { npmInstall, packPackages } from './cli-helpers/packed-packages';
import { seedSource } from './cli-helpers/sync-config';
import { pgliteQuery } from './cli-helpers/test-database';

// A user's first hour: `npm install @restsync/cli` in an empty folder outside the repository (the
// packages packed as they would be published), then the seed config into PGlite on disk, twice.

const apiKey = 'packed-key-6b1e9d3a';
/**
 * What `npm install @restsync/cli` pulls from the workspace: the CLI, core and the adapters it
 * depends on. Not the optional peers (destination-mongodb, engine-bullmq, otel).
 */
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
];

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'restsync-packed-'));
  const tarballs = await packPackages(project, packages);
  // Only the CLI is a dependency, as for a user; overrides point its @restsync dependencies at the tarballs.
  await npmInstall(
    project,
    {
      name: 'packed-install',
      private: true,
      type: 'module',
      dependencies: { '@restsync/cli': tarballs['@restsync/cli'] },
    },
    tarballs,
  );
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
  it('should install without MongoDB, BullMQ or OpenTelemetry and run the seed config into PGlite on disk twice without duplicates', async () => {
    const installed = await readdir(join(project, 'node_modules/@restsync'));
    for (const optional of ['destination-mongodb', 'engine-bullmq', 'otel']) {
      expect(installed).not.toContain(optional);
    }
    await expect(readdir(join(project, 'node_modules'))).resolves.not.toContain('bullmq');
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

  // Regression: BullMQ and ioredis (about 15 MB) came with every install although only the distributed commands use them.
  it('should name the install command when worker, schedule or run --engine needs the engine package', async () => {
    await writeFile(
      join(project, 'engine.json'),
      JSON.stringify({ source: seedSource('http://127.0.0.1:9') }),
    );
    const engine = 'redis://127.0.0.1:9';
    const results = await Promise.all([
      restsync(['worker', '--engine', engine]),
      restsync(['schedule', 'engine.json', '--every', '15m', '--engine', engine]),
      restsync(['run', 'engine.json', '--engine', engine]),
    ]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        'needs @restsync/engine-bullmq, which is not installed. Install it next to the CLI: npm install @restsync/engine-bullmq',
      );
    }
  });

  it('should name the install command when --otel needs packages that are not installed', async () => {
    await writeFile(join(project, 'otel.json'), JSON.stringify({ source: seedSource('http://127.0.0.1:9') }));
    const result = await restsync(['run', 'otel.json', '--otel', '--destination', 'pglite:memory']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('npm install @restsync/otel @opentelemetry/sdk-node');
  });
});
