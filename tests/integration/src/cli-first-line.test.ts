import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentDatabase } from './cli-helpers/silent-database';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { pgliteQuery } from './cli-helpers/test-database';
import { createWorkspace } from './cli-helpers/workspace';

const apiKey = 'first-line-key-3b7e';
const password = 'first-line-pa55-91c2';

/** The seed source with two mistakes: `client.retry.max_retrys` and `resources[0].write_disposition`. */
function withTwoBadPaths(source: ReturnType<typeof seedSource>) {
  return {
    ...source,
    client: { ...source.client, retry: { max_retrys: 3 } },
    resources: [{ ...source.resources[0], write_disposition: 'sometimes' }],
  };
}

describe.concurrent('restsync run: the first line (child process)', () => {
  // Regression: the destination line came only after every module had loaded and the config was checked (0.5–2 s), so a run looked stuck.
  it('should write the destination line first, password masked, while the database has not answered', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const database = await silentDatabase(onTestFinished);
    const api = await workspace.startApi({ records: 10, apiKey });
    const config = await writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: 'first_line' },
      source: seedSource(api.url),
    });
    const url = `postgres://loader:${password}@127.0.0.1:${database.port}/warehouse`;

    const cli = workspace.start(['run', config, '--dataset', 'first_line'], {
      API_KEY: apiKey,
      DATABASE_URL: url,
    });
    await cli.waitForOutput(/connecting to/, 'stderr');

    // The database never answers, so the run is still connecting: the line did not wait for it.
    expect(cli.stderr().split('\n')[0]).toBe(
      `restsync: connecting to postgres://loader:***@127.0.0.1:${database.port}/warehouse (from DATABASE_URL)`,
    );
    expect(cli.stdout() + cli.stderr()).not.toContain(password);
  });

  it('should write the PGlite line first for the default destination', async ({ onTestFinished }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 10, apiKey });
    const config = await writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: 'first_line' },
      source: seedSource(api.url),
    });

    const cli = workspace.start(['run', config]);
    await cli.waitForOutput(/opening PGlite/, 'stderr');

    expect(cli.stderr().split('\n')[0]).toBe(
      `restsync: opening PGlite at ${workspace.directory}/.restsync/pglite (the default: no --destination, config destination, RESTSYNC_DESTINATION or DATABASE_URL)`,
    );
  });

  it('should still name every bad path of a wrong config, and neither connect nor request, after the early line', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const database = await silentDatabase(onTestFinished);
    const api = await workspace.startApi({ records: 10, apiKey });
    const source = seedSource(api.url);
    const config = await writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: 'first_line' },
      source: withTwoBadPaths(source),
    });

    const result = await workspace.run([
      'run',
      config,
      '--destination',
      `postgres://loader:${password}@127.0.0.1:${database.port}/warehouse`,
    ]);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^restsync: connecting to postgres:\/\/loader:\*\*\*@/);
    expect(result.stderr).toContain('client.retry.max_retrys');
    expect(result.stderr).toContain('resources[0].write_disposition');
    expect(result.stdout + result.stderr).not.toContain(password);
    expect(database.connections()).toBe(0);
    expect(api.requests).toHaveLength(0);
  });

  // PGlite's worker opens the database while the CLI loads and checks the config (see bin.ts).
  it('should name every bad path of a wrong config into PGlite, request nothing, and leave the database closed for the next run', async ({
    onTestFinished,
  }) => {
    const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
    const api = await workspace.startApi({ records: 120, apiKey });
    const source = seedSource(api.url);
    const wrong = await writeConfig(workspace.directory, 'wrong.json', {
      pipeline: { name: 'first_line' },
      source: withTwoBadPaths(source),
    });
    const pglite = join(workspace.directory, 'db');

    const failed = await workspace.run(['run', wrong, '--destination', `pglite:${pglite}`]);

    expect(failed.code, failed.stderr).toBe(2);
    expect(failed.stderr.split('\n')[0]).toMatch(/^restsync: opening PGlite at /);
    expect(failed.stderr).toContain('client.retry.max_retrys');
    expect(failed.stderr).toContain('resources[0].write_disposition');
    expect(api.requests).toHaveLength(0);
    // The database it opened ahead was shut down cleanly (`DBState` 1 in pg_control), not killed with
    // the process: no half-unpacked copy beside it, and not left running.
    expect((await readFile(join(pglite, 'global', 'pg_control'))).readInt32LE(16)).toBe(1);
    expect((await readdir(workspace.directory)).filter((name) => name.startsWith('db.'))).toEqual([]);

    const good = await writeConfig(workspace.directory, 'good.json', {
      pipeline: { name: 'first_line' },
      source,
    });
    const loaded = await workspace.run([
      'run',
      good,
      '--destination',
      `pglite:${pglite}`,
      '--dataset',
      'after',
    ]);
    expect(loaded.code, loaded.stderr).toBe(0);
    const [row] = await pgliteQuery<{ rows: number }>(
      pglite,
      'select count(*)::int as rows from "after"."resource_name"',
    );
    expect(row?.rows).toBe(120);
  });
});
