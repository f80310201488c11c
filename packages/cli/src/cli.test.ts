import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReferenceApi, startReferenceApi } from '@restsync/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli';
import type { JsonResult } from './json-result';

const apiKey = 'cli-unit-key-4e1d';
let directory: string;
let api: ReferenceApi | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'restsync-cli-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  await rm(directory, { recursive: true, force: true });
});

function captured(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

async function cli(argv: string[], env: Record<string, string | undefined> = { API_KEY: apiKey }) {
  const stdout = captured();
  const stderr = captured();
  const code = await runCli(argv, { stdout, stderr, cwd: directory, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function seedConfig(baseUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    pipeline: { name: 'unit', dataset: 'unit_dataset' },
    destination: 'pglite:memory',
    source: {
      client: {
        base_url: baseUrl,
        auth: { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
      },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: [
        {
          name: 'resource_name',
          endpoint: {
            path: '/v1/resource',
            data_selector: 'data',
            paginator: { type: 'offset', limit: 100 },
          },
        },
      ],
    },
    ...overrides,
  };
}

async function writeConfig(config: unknown, name = 'sync.json'): Promise<string> {
  await writeFile(join(directory, name), JSON.stringify(config, null, 2));
  return name;
}

describe('runCli', () => {
  it('should print the help on stdout for --help and on stderr with exit code 2 without a command', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: restsync <command> <config> \[options\]/);
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: restsync/);
  });

  it('should print the package version', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('should print one JSON object for a wrong command line when --json is given', async () => {
    const result = await cli(['run', 'sync.json', '--json', '--bogus']);
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as JsonResult;
    expect(json).toMatchObject({
      status: 'failed',
      error: { code: 'usage', message: 'unknown option "--bogus"' },
    });
    expect(result.stderr).toContain('unknown option "--bogus"');
  });

  it('should validate a config without sending a request', async () => {
    api = await startReferenceApi({ records: 10, apiKey });
    const config = await writeConfig(seedConfig(api.url));
    const text = await cli(['validate', config]);
    expect(text).toEqual({
      code: 0,
      stdout:
        '✔ sync.json is valid: 1 resource (resource_name) → pglite:memory, dataset "unit_dataset", pipeline "unit"\n' +
        '  Checked offline: no request was sent to the API or the destination. To reach them: restsync check sync.json\n',
      stderr: '',
    });
    const json = await cli(['validate', config, '--json', '--dataset', 'other']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'succeeded',
      pipeline: 'unit',
      dataset: 'other',
      destination: 'pglite:memory',
    });
    expect(json.stderr).toContain('is valid');
    expect(api.stats().requests).toBe(0);
  });

  it('should list every problem of an invalid config with its path in the file', async () => {
    const config = seedConfig('not a url', { destination: { url: 'postgres://db/x', databse: 'x' } });
    (config.source.resources[0] as { endpoint: { paginator: { limit: number } } }).endpoint.paginator.limit =
      -1;
    const result = await cli(['validate', await writeConfig(config), '--json']);
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as JsonResult;
    expect(json.error?.issues?.map((issue) => issue.path)).toEqual([
      'destination.databse',
      'source.client.base_url',
      'source.resources[0].endpoint.paginator.limit',
    ]);
    expect(result.stderr).toMatch(
      /^restsync: sync\.json is invalid \(3 problems\):\n {2}- destination\.databse: /,
    );
  });

  it('should name the environment variable of a missing secret', async () => {
    const result = await cli(['validate', await writeConfig(seedConfig('https://api.example.com'))], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable API_KEY');
  });

  it('should sync into the destination and report rows, pages and the summary table', async () => {
    api = await startReferenceApi({ records: 250, apiKey });
    const result = await cli(['run', await writeConfig(seedConfig(api.url)), '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as JsonResult;
    expect(json).toMatchObject({
      status: 'succeeded',
      pipeline: 'unit',
      dataset: 'unit_dataset',
      destination: 'pglite:memory',
      resources: { resource_name: { rows: 250, pages: 3 } },
      retries: 0,
    });
    expect(result.stderr).toContain('✔ Pipeline "unit" succeeded');
    expect(result.stderr).toMatch(/resource_name\s+250\s+3/);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  // Regression: --quiet still printed the plain progress line its timer writes on a slow run.
  it('should print no progress line with --quiet, however long the run takes', async () => {
    api = await startReferenceApi({ records: 300, apiKey, latencyMs: 30 });
    const stdout = captured();
    const stderr = captured();
    const argv = ['run', await writeConfig(seedConfig(api.url)), '--quiet'];
    const code = await runCli(argv, {
      stdout,
      stderr,
      cwd: directory,
      env: { API_KEY: apiKey },
      progressIntervalMs: 1,
    });
    expect(code).toBe(0);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe('');
  });

  it('should stop after the batch in its transaction on an abort, exit 130 and say what it committed', async () => {
    // More than one 5,000-row batch: the second can only start after the first commits, and the abort comes first.
    api = await startReferenceApi({ records: 12_000, apiKey });
    const controller = new AbortController();
    const stdout = captured();
    const stderrChunks: string[] = [];
    const stderr = {
      isTTY: false,
      write: (text: string) => {
        stderrChunks.push(text);
        // Ctrl-C once the first batch is committed.
        if (text.includes('batch committed')) controller.abort(new Error('interrupted by SIGINT'));
      },
    };
    const config = await writeConfig(seedConfig(api.url));
    const code = await runCli(['run', config, '--json'], {
      stdout,
      stderr,
      cwd: directory,
      env: { API_KEY: apiKey },
      signal: controller.signal,
    });
    const errorText = stderrChunks.join('');
    expect(code, errorText).toBe(130);
    const json = JSON.parse(stdout.text()) as JsonResult;
    expect(json.status).toBe('cancelled');
    expect(json.error).toEqual({
      code: 'cancelled',
      message:
        'Pipeline "unit" was cancelled (interrupted by SIGINT): 1 batch (5,000 rows) committed in this run.',
    });
    expect(errorText).toContain(
      'restsync: stopping after the current batch… (press Ctrl-C again to exit now)',
    );
    expect(errorText).toContain('Run the same command again to resume from the last commit.');
    expect(errorText).toContain('✖ Pipeline "unit" cancelled');
    expect(errorText).not.toContain('10,000 rows committed');
  }, 120_000);

  it('should exit 1 with the counts so far when the sync fails midway', async () => {
    api = await startReferenceApi({ records: 500, apiKey, script: { 2: 'malformed' } });
    const result = await cli(['run', await writeConfig(seedConfig(api.url)), '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as JsonResult;
    expect(json.status).toBe('failed');
    expect(json.error?.code).toBe('response');
    expect(json.resources).toEqual({
      resource_name: expect.objectContaining({ rows: 100, pages: 1, committedRows: 0, stopReason: 'failed' }),
    });
    expect(result.stderr).toContain(
      'Nothing was committed in this run. Run the same command again to start over from the last stored state.',
    );
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });
});
