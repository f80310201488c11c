import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { expectValidJsonResult } from './cli-helpers/json-result';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// The built CLI's --json result against the JSON Schema it ships, and --json-events' line stream.

const apiKey = 'json-key-3e9b7c1d';
const wrongKey = 'json-wrong-8a2f6d4e';
function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

function twoResources(baseUrl: string) {
  const source = seedSource(baseUrl);
  return {
    ...source,
    resources: [
      ...source.resources,
      {
        name: 'first_page',
        endpoint: { path: '/v1/resource', data_selector: 'data', paginator: 'single_page' },
      },
    ],
  };
}

describe('restsync run --json', () => {
  it('should print a result that matches the shipped JSON Schema, with the load id, times and per-resource figures', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 250, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: twoResources(api.url) });
    const name = dataset('cli_json');

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const json = expectValidJsonResult(JSON.parse(result.stdout));
    expect(json.status).toBe('succeeded');
    expect(json.loadId).toMatch(/\S/);
    expect(Date.parse(json.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(json.startedAt ?? ''));
    expect(json.resources.resource_name).toMatchObject({
      rows: 250,
      pages: 3,
      retries: 0,
      committedRows: 250,
      tables: { resource_name: 250 },
      childTables: [],
    });
    expect(json.resources.resource_name?.stopReason).toMatch(/\S/);
    expect(json.resources.first_page).toMatchObject({ rows: 100, pages: 1 });
    expect(json.resources.first_page?.durationMs).toBeGreaterThanOrEqual(0);
    expect(json.tables).toEqual({ resource_name: 250, first_page: 100 });
    expect(json.schemaChanges?.map((change) => [change.table, change.created])).toEqual(
      expect.arrayContaining([
        ['resource_name', true],
        ['first_page', true],
      ]),
    );
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('should print a failed result that matches the schema, with no load id and the key redacted', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });

    const result = await run(
      ['run', config, '--destination', database.url, '--dataset', dataset('cli_json'), '--json'],
      { API_KEY: wrongKey },
    );

    expect(result.code).toBe(1);
    const json = expectValidJsonResult(JSON.parse(result.stdout));
    expect(json).toMatchObject({ status: 'failed', loadId: null, error: { code: 'auth' } });
    expect(json.resources.resource_name?.stopReason).toBe('failed');
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
  });
});

describe('restsync run --json-events', () => {
  it('should stream one redacted event per line, then the result object', async ({ onTestFinished }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 250, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });

    const result = await run([
      'run',
      config,
      '--destination',
      database.url,
      '--dataset',
      dataset('cli_events'),
      '--json-events',
    ]);

    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = parsed.slice(0, -1);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'page')).toHaveLength(3);
    expect(types).toContain('batch_loaded');
    expect(types.at(-1)).toBe('resource_done');
    expect(expectValidJsonResult(parsed.at(-1))).toMatchObject({ status: 'succeeded' });
    expect(result.stdout).not.toContain(apiKey);
  });
});
