import type { JsonResult } from '@restsync/cli';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// --resource, --dry-run / --limit-pages, --verbose and --quiet through the built CLI.

const apiKey = 'options-key-5a2c9e17';

function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

/** Two top-level resources and a child of the first (one detail request per parent record). */
function threeResources(baseUrl: string) {
  const source = seedSource(baseUrl);
  const first = source.resources[0]!;
  return {
    ...source,
    resources: [
      first,
      { ...first, name: 'other' },
      { name: 'detail', endpoint: { path: '/v1/resource/{resources.resource_name.id}' } },
    ],
  };
}

async function tablesOf(
  database: { query<Row>(sql: string): Promise<Row[]> },
  schema: string,
): Promise<string[]> {
  const rows = await database.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = '${schema}' and table_name not like '\\_restsync\\_%' order by 1`,
  );
  return rows.map((row) => row.table_name);
}

describe.concurrent('restsync run options (child process)', () => {
  it('--resource should load the named child with its parent and nothing else', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 30, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: threeResources(api.url) });
    const name = dataset('cli_resource');

    const result = await run([
      'run',
      config,
      '--resource',
      'detail',
      '--destination',
      database.url,
      '--dataset',
      name,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as JsonResult;
    expect(Object.keys(json.resources).sort()).toEqual(['detail', 'resource_name']);
    expect(await tablesOf(database, name)).toEqual(['detail', 'resource_name']);
    const [count] = await database.query<{ rows: number }>(
      `select count(*)::int as rows from "${name}"."detail"`,
    );
    expect(count?.rows).toBe(30);
  });

  it('--resource should refuse an unknown name with a suggestion before any request', async ({
    onTestFinished,
  }) => {
    const { directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 5, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: threeResources(api.url) });
    const result = await run(['run', config, '--resource', 'detial,other']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--resource: unknown resource "detial"; did you mean "detail"?');
    expect(api.stats().requests).toBe(0);
  });

  it('--dry-run should fetch one page per resource, print samples and the inferred schema, and write nothing', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 500, apiKey });
    const source = seedSource(api.url);
    const config = await writeConfig(directory, 'sync.json', { source });
    const name = dataset('cli_dry_run');

    const result = await run(['run', config, '--dry-run', '--destination', database.url, '--dataset', name]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dry run: at most 1 page per request sequence; nothing was written');
    expect(result.stdout).toContain('resource_name: 1 page, 100 records');
    expect(result.stdout).toContain(JSON.stringify(api.record(1)).slice(0, 40));
    expect(result.stdout).toMatch(
      /Inferred schema:\n {2}resource_name \(merge, primary key id\)\n {4}id\s+bigint not null/,
    );
    expect(result.stdout).toMatch(/ {4}nested__a\s+bigint/);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
    const [schemas] = await database.query<{ count: number }>(
      `select count(*)::int as count from information_schema.schemata where schema_name = '${name}'`,
    );
    expect(schemas?.count).toBe(0);

    const twoPages = await run([
      'run',
      config,
      '--limit-pages',
      '2',
      '--json',
      '--destination',
      database.url,
      '--dataset',
      name,
    ]);
    expect(twoPages.code, twoPages.stderr).toBe(0);
    const json = JSON.parse(twoPages.stdout) as JsonResult;
    expect(json.resources.resource_name).toEqual({ rows: 200, pages: 2 });
    expect(json.dryRun?.tables.map((table) => table.name)).toEqual(['resource_name']);
    expect(json.dryRun?.resources.resource_name?.samples).toHaveLength(3);
  });

  it('--verbose should print one redacted line per request with method, URL, status, duration and attempt', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 250, apiKey, script: { 2: '503' } });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });

    const result = await run([
      'run',
      config,
      '--verbose',
      '--destination',
      database.url,
      '--dataset',
      dataset('cli_verbose'),
    ]);

    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('restsync: GET '));
    expect(lines).toHaveLength(api.stats().requests);
    for (const line of lines) {
      expect(line).toMatch(
        /^restsync: GET http:\/\/127\.0\.0\.1:\d+\/v1\/resource\?offset=\d+&limit=100&api_key=\*\*\* → (200|HTTP 503) in \d+ ms(, retrying in \d+ ms)? \(resource_name, attempt \d\)$/,
      );
    }
    expect(lines.filter((line) => line.includes('HTTP 503'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('attempt 2'))).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('--quiet should print nothing on success and still load every row', async ({ onTestFinished }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 150, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });
    const name = dataset('cli_quiet');

    const result = await run(['run', config, '--quiet', '--destination', database.url, '--dataset', name]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(
      result.stderr
        .split('\n')
        .filter((line) => line !== '' && !/^restsync: (opening|connecting|using)/.test(line)),
    ).toEqual([]);
    const [count] = await database.query<{ rows: number }>(
      `select count(*)::int as rows from "${name}"."resource_name"`,
    );
    expect(count?.rows).toBe(150);
  });
});
