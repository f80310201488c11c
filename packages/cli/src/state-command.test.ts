import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReferenceApi, startReferenceApi } from '@restsync/test-server';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from './cli';
import type { JsonResult } from './json-result';

const apiKey = 'state-unit-key-71c3';
let directory: string;
let api: ReferenceApi;

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
let dataset: string | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'restsync-state-'));
  api = await startReferenceApi({ records: 30, apiKey });
  dataset = undefined;
});
// The test left its dataset schema behind on the Postgres server.
afterEach(async () => {
  await api.close();
  await rm(directory, { recursive: true, force: true });
  if (dataset === undefined) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${dataset}" cascade`);
  } finally {
    await client.end();
  }
});

async function cli(argv: string[], extra: Partial<CliIo> = {}) {
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const code = await runCli(argv, {
    stdout: { isTTY: false, write: (text: string) => chunks.stdout.push(text) },
    stderr: { isTTY: false, write: (text: string) => chunks.stderr.push(text) },
    cwd: directory,
    env: { API_KEY: apiKey },
    ...extra,
  });
  return { code, stdout: chunks.stdout.join(''), stderr: chunks.stderr.join('') };
}

async function writeConfig(): Promise<string> {
  dataset = `state_unit_${process.pid}_${Date.now()}`;
  const config = {
    pipeline: { name: 'state_unit', dataset },
    destination: databaseUrl,
    source: {
      client: {
        base_url: api.url,
        auth: { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
      },
      resources: [
        {
          name: 'items',
          primary_key: 'id',
          write_disposition: 'merge',
          endpoint: {
            path: '/v1/resource',
            data_selector: 'data',
            paginator: { type: 'offset', limit: 10 },
            incremental: { cursor_path: 'updated_at', initial_value: '2000-01-01T00:00:00Z' },
          },
        },
      ],
    },
  };
  await writeFile(join(directory, 'sync.json'), JSON.stringify(config));
  return 'sync.json';
}

const rowsOf = (output: string) => (JSON.parse(output) as JsonResult).resources.items?.rows;

describe('restsync state', () => {
  it('should show the cursor, skip unchanged rows, reload them with --full-refresh, and reset only with a confirmation', {
    timeout: 120_000,
  }, async () => {
    const config = await writeConfig();
    expect(rowsOf((await cli(['run', config, '--json'])).stdout)).toBe(30);

    const shown = await cli(['state', 'show', config, '--json']);
    expect(shown.code).toBe(0);
    const states = (JSON.parse(shown.stdout) as JsonResult).states as Record<
      string,
      { incremental: unknown }
    >;
    expect(states.items?.incremental).toMatchObject({
      cursors: { '': { cursorPath: 'updated_at', lastValue: expect.any(String) } },
    });
    expect(shown.stdout).not.toContain(apiKey);

    // Nothing changed: every row is at or before the stored cursor.
    expect(rowsOf((await cli(['run', config, '--json'])).stdout)).toBe(0);
    expect(rowsOf((await cli(['run', config, '--json', '--full-refresh'])).stdout)).toBe(30);

    const unconfirmed = await cli(['state', 'reset', config, '--resource', 'items']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes');
    const declined = await cli(['state', 'reset', config, '--resource', 'items'], {
      confirm: async () => false,
    });
    expect(declined.stdout).toContain('State left unchanged');
    expect(rowsOf((await cli(['run', config, '--json'])).stdout)).toBe(0);

    const reset = await cli(['state', 'reset', config, '--resource', 'items', '--yes']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('cleared the stored state of resource "items"');
    expect(rowsOf((await cli(['run', config, '--json'])).stdout)).toBe(30);
  });

  it('should refuse state reset without --resource and an unknown resource', async () => {
    const config = await writeConfig();
    expect((await cli(['state', 'reset', config, '--yes'])).stderr).toContain('needs --resource <name>');
    expect((await cli(['state', 'show', config, '--resource', 'itemz'])).stderr).toContain(
      'unknown resource "itemz"',
    );
  });
});
