import { describe, expect, it } from 'vitest';
import { silentDatabase } from './cli-helpers/silent-database';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

const apiKey = 'first-line-key-3b7e';
const password = 'first-line-pa55-91c2';

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
      source: {
        ...source,
        client: { ...source.client, retry: { max_retrys: 3 } },
        resources: [{ ...source.resources[0], write_disposition: 'sometimes' }],
      },
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
});
