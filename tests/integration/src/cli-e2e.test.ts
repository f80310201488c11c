import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonResult } from '@restsync/cli';
import { type MongoWireServer, startMongoWireServer } from '@restsync/mongo-wire-server';
import { MongoClient } from 'mongodb';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { startGatedProxy } from './cli-helpers/gated-proxy';
import { closedPort } from './cli-helpers/ports';
import { type CliProcessResult, repositoryRoot, spawnCli } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { pgliteQuery, type TestDatabase, uniqueDataset } from './cli-helpers/test-database';
import { createWorkspace } from './cli-helpers/workspace';

// Every test has its own directory, API, dataset and CLI processes, so the tests run concurrently.

const apiKey = 'e2e-key-9c4f2a7b';
const wrongKey = 'wrong-key-5d8e1c3f';
const password = 'hunter2';
const codeConfig = fileURLToPath(new URL('./__fixtures__/cli-code-config.ts', import.meta.url));

function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

/** stdout must be exactly one JSON value (one object and a newline). */
function parseJson(result: CliProcessResult): JsonResult {
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  const json = JSON.parse(result.stdout) as JsonResult;
  expect(typeof json).toBe('object');
  return json;
}

async function countRows(database: TestDatabase, schema: string, table = 'resource_name') {
  const [row] = await database.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."${table}"`,
  );
  return row;
}

describe.concurrent('restsync run (child process)', () => {
  it('should load every row exactly once while 30 % of the requests fail with 429, 503 and resets', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const records = 2_000;
    const api = await startApi({
      records,
      apiKey,
      faults: {
        rate: 0.3,
        kinds: ['429', '503', 'reset'],
        seed: 11,
        retryAfterSeconds: 1,
        maxConsecutive: 3,
      },
    });
    const name = dataset('cli_faults');
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'faults' },
      source: seedSource(api.url),
    });

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    expect(result.code, result.stderr).toBe(0);
    const json = parseJson(result);
    const { faults } = api.stats();
    const faulted = Object.values(faults).reduce((sum, count) => sum + count, 0);
    expect(faults['429']).toBeGreaterThan(0);
    expect(faults['503']).toBeGreaterThan(0);
    expect(faults.reset).toBeGreaterThan(0);
    expect(json).toMatchObject({
      status: 'succeeded',
      pipeline: 'faults',
      dataset: name,
      resources: { resource_name: { rows: records, pages: records / 100 } },
    });
    // Every injected fault cost exactly one retry.
    expect(json.retries).toBe(faulted);
    expect(await countRows(database, name)).toEqual({ rows: records, ids: records });
    expect(result.stderr).toContain('✔ Pipeline "faults" succeeded');
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('should exit 1 on a wrong API key without printing the key anywhere', async ({ onTestFinished }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });

    const result = await run(
      ['run', config, '--destination', database.url, '--dataset', dataset('cli_key'), '--json'],
      { API_KEY: wrongKey },
    );

    expect(result.code).toBe(1);
    expect(parseJson(result)).toMatchObject({ status: 'failed', error: { code: 'auth' } });
    expect(result.stderr).toMatch(/sync failed \(auth\).*HTTP 401/);
    expect(result.stderr).toContain('api_key=***');
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(wrongKey);
      expect(output).not.toContain(encodeURIComponent(wrongKey));
    }
  });

  it('should exit 2 on five broken configs, naming each path, before any request', async ({
    onTestFinished,
  }) => {
    const { database, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    type Source = ReturnType<typeof seedSource>;
    const broken: [file: string, breakIt: (source: Source) => void, expected: string][] = [
      [
        'no-base-url.json',
        (source) => {
          delete (source.client as { base_url?: string }).base_url;
        },
        '  - source.client.base_url: required',
      ],
      [
        'bad-limit.json',
        (source) => {
          (source.resources[0]!.endpoint.paginator as { limit: unknown }).limit = 0;
        },
        '  - source.resources[0].endpoint.paginator.limit: expected a positive integer',
      ],
      [
        'merge-without-key.json',
        (source) => {
          delete (source.resource_defaults as { primary_key?: string }).primary_key;
        },
        '  - source.resource_defaults.primary_key: write_disposition "merge" needs a primary key',
      ],
      [
        'unknown-key.json',
        (source) => {
          (source.resources[0]!.endpoint as Record<string, unknown>).data_selectr = 'data';
        },
        '  - source.resources[0].endpoint.data_selectr: unknown key; did you mean "data_selector"?',
      ],
      [
        'unknown-paginator.json',
        (source) => {
          source.resources[0]!.endpoint.paginator.type = 'cursor_magic';
        },
        // Regression: an unknown type used to ask for a package that does not exist (@restsync/paginator-cursor-magic).
        '  - source.resources[0].endpoint.paginator.type: paginator type "cursor_magic" is not available. Available types: cursor, header_cursor,',
      ],
    ];

    const results = await Promise.all(
      broken.map(async ([file, breakIt]) => {
        const source = seedSource(api.url);
        breakIt(source);
        return run(['run', await writeConfig(directory, file, { source }), '--destination', database.url]);
      }),
    );

    for (const [index, result] of results.entries()) {
      const [file, , expected] = broken[index]!;
      expect(result.code, `${file}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(`restsync: ${file} is invalid (1 problem):\n${expected}`);
    }
    expect(api.stats().requests).toBe(0);
  });

  it('should exit 2 naming API_KEY when the secret is missing', async ({ onTestFinished }) => {
    const { database, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });

    const result = await run(['run', config, '--destination', database.url], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Secret "api_key" was not found. Looked in: environment variable API_KEY',
    );
    expect(api.stats().requests).toBe(0);
  });

  it('should read a YAML config, with --destination and --dataset overriding the file', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 300, apiKey });
    const name = dataset('cli_yaml');
    const yaml = [
      'pipeline:',
      '  name: yaml_sync',
      '  dataset: from_file',
      'destination: pglite:./from-file',
      'source:',
      '  client:',
      `    base_url: ${api.url}`,
      '    auth: { type: api_key, name: api_key, api_key: { secret: api_key }, location: query }',
      '  resource_defaults: { primary_key: id, write_disposition: merge }',
      '  resources:',
      '    - name: resource_name',
      '      endpoint:',
      '        path: /v1/resource',
      '        data_selector: data',
      '        paginator: { type: offset, limit: 100 }',
    ].join('\n');
    const config = await writeConfig(directory, 'sync.yaml', yaml);

    const result = await run(['run', config, '--destination', database.url, '--dataset', name, '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result)).toMatchObject({ status: 'succeeded', pipeline: 'yaml_sync', dataset: name });
    expect(await countRows(database, name)).toEqual({ rows: 300, ids: 300 });
    expect(existsSync(join(directory, 'from-file'))).toBe(false);
  });

  it('should load a TypeScript config into PGlite under .restsync/ when no destination is given', async ({
    onTestFinished,
  }) => {
    const { directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 250, apiKey });
    const typescript = `interface Pipeline { name: string; dataset: string }
const pipeline: Pipeline = { name: 'ts_sync', dataset: 'ts_dataset' };
export default { pipeline, source: ${JSON.stringify(seedSource(api.url))} };
`;
    const config = await writeConfig(directory, 'sync.ts', typescript);

    const result = await run(['run', config]);

    expect(result.code, result.stderr).toBe(0);
    const pgliteDirectory = join(directory, '.restsync', 'pglite');
    expect(result.stdout).toContain(`destination pglite:${pgliteDirectory}, dataset "ts_dataset"`);
    const [row] = await pgliteQuery<{ rows: number }>(
      pgliteDirectory,
      'select count(*)::int as rows from "ts_dataset"."resource_name"',
    );
    expect(row?.rows).toBe(250);
  });

  it('should run a TypeScript config in the camelCase form with adapter factories', async ({
    onTestFinished,
  }) => {
    const { database, dataset, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 150, apiKey });
    const name = dataset('cli_code');

    const result = await run(
      ['run', codeConfig, '--destination', database.url, '--dataset', name, '--json'],
      {
        API_KEY: apiKey,
        REFERENCE_API_URL: api.url,
      },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result)).toMatchObject({
      pipeline: 'code_config',
      resources: { resource_name: { rows: 150, pages: 2 } },
    });
    expect(await countRows(database, name)).toEqual({ rows: 150, ids: 150 });
  });

  it('should load into MongoDB from a { url, database } destination', async ({ onTestFinished }) => {
    const { directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 120, apiKey });
    const external = process.env.MONGODB_URL;
    let wire: MongoWireServer | undefined;
    if (!external) wire = await startMongoWireServer();
    const url = external ?? wire!.url;
    const databaseName = uniqueDataset('cli_mongo');
    const config = await writeConfig(directory, 'mongo.json', {
      pipeline: { name: 'mongo', dataset: 'docs' },
      destination: { url, database: databaseName },
      source: seedSource(api.url),
    });
    const client = new MongoClient(url);
    try {
      const result = await run(['run', config, '--json']);

      expect(result.code, result.stderr).toBe(0);
      expect(parseJson(result)).toMatchObject({
        status: 'succeeded',
        resources: { resource_name: { rows: 120 } },
      });
      expect(await client.db(databaseName).collection('docs_resource_name').countDocuments()).toBe(120);
    } finally {
      await client.db(databaseName).dropDatabase();
      await client.close();
      await wire?.close();
    }
  });

  it('should print plain progress lines on stderr when stderr is not a terminal', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, start, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 1_000, apiKey });
    // The first page goes through, the rest waits until a periodic line is out: the run cannot end first.
    const proxy = await startGatedProxy(api.url, 1);
    onTestFinished(() => proxy.close());
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(proxy.url) });
    const periodic =
      /^restsync: resource_name {2}\d+ pages? {2}[\d,]+ rows?(?: {2}\d+% {2}ETA \S+)? {2}[\d,]+ rows\/s {2}[\d,]+ retr(?:y|ies)$/m;

    const cli = start(['run', config, '--destination', database.url, '--dataset', dataset('cli_progress')]);
    await cli.waitForOutput(periodic, 'stderr');
    proxy.release();
    const result = await cli.exited;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n')).toContainEqual(
      expect.stringMatching(/^restsync: resource_name {2}✔ done {2}10 pages {2}1,000 rows/),
    );
    expect(result.stderr).not.toContain('\u001b');
    expect(result.stdout).toMatch(/resource_name\s+1,000\s+10/);
  });
});

describe.concurrent('restsync --json, validate, --help, --version (child process)', () => {
  it('should print one JSON object with the destination password redacted, on success and on failure', async ({
    onTestFinished,
  }) => {
    const { directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });
    const port = await closedPort();
    const withPassword = `postgres://root:${password}@127.0.0.1:${port}/test`;

    const [validated, failed] = await Promise.all([
      run(['validate', config, '--destination', withPassword, '--json']),
      run(['run', config, '--destination', withPassword, '--dataset', 'never_created', '--json']),
    ]);

    expect(validated.code).toBe(0);
    expect(parseJson(validated)).toMatchObject({
      status: 'succeeded',
      destination: `postgres://root:***@127.0.0.1:${port}/test`,
    });
    expect(failed.code).toBe(1);
    expect(parseJson(failed)).toMatchObject({
      status: 'failed',
      destination: `postgres://root:***@127.0.0.1:${port}/test`,
      error: { code: 'destination' },
    });
    for (const output of [validated.stdout, validated.stderr, failed.stdout, failed.stderr]) {
      expect(output).not.toContain(password);
    }
  });

  it('should exit 0 for a valid config and 2 for an invalid one, without a request', async ({
    onTestFinished,
  }) => {
    const { directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    const valid = await writeConfig(directory, 'valid.json', { source: seedSource(api.url) });
    const invalid = await writeConfig(directory, 'invalid.json', { sourse: seedSource(api.url) });

    const [ok, bad] = await Promise.all([run(['validate', valid]), run(['validate', invalid])]);

    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✔ valid\.json is valid: 1 resource \(resource_name\)/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('  - sourse: unknown key; did you mean "source"?');
    expect(api.stats().requests).toBe(0);
  });

  it('should print the help and the package version, and exit 2 on an unknown flag', async ({
    onTestFinished,
  }) => {
    const { run } = await workspace(onTestFinished);
    const manifest = JSON.parse(await readFile(join(repositoryRoot, 'packages/cli/package.json'), 'utf8'));

    const [help, version, unknown] = await Promise.all([
      run(['--help']),
      run(['--version']),
      run(['run', 'sync.json', '--frobnicate']),
    ]);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: restsync <command> <config> [options]');
    expect(version).toEqual({ code: 0, signal: null, stdout: `${manifest.version}\n`, stderr: '' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--frobnicate"');
  });

  it('should resolve a relative config path against INIT_CWD when run as the root "restsync" script', async ({
    onTestFinished,
  }) => {
    const { directory, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 100, apiKey });
    await writeConfig(directory, 'here.json', { source: seedSource(api.url) });

    const result = await spawnCli(['validate', './here.json'], {
      cwd: repositoryRoot,
      env: { API_KEY: apiKey, INIT_CWD: directory, npm_lifecycle_event: 'restsync' },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`pglite:${join(directory, '.restsync', 'pglite')}`);
  });
});
