import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReferenceApi, startReferenceApi, startTestServer } from '@restsync/test-server';
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

  // The redaction check above could not fail: the state it showed held no secret.
  it('should redact a secret that the stored checkpoint holds, and still resume from the real one', {
    timeout: 120_000,
  }, async () => {
    // A Graph-API-style next link echoes the access token, so a resumable paginator's checkpoint holds it.
    const token = 'graph-token-5f1e9a77c2';
    const pageSize = 2_500;
    let failThirdPage = true;
    const events = await startTestServer({
      fallback: (request) => {
        if (request.path !== '/v1/events') return undefined;
        if (request.query.get('access_token') !== token) return { status: 401, body: { error: 'bad token' } };
        const after = Number(request.query.get('after') ?? 0);
        if (after >= 2 * pageSize && failThirdPage) return { status: 400, body: { error: 'try later' } };
        const data = Array.from({ length: pageSize }, (_, index) => ({ id: after + index + 1 }));
        const next =
          after + pageSize < 3 * pageSize
            ? `${events.url}/v1/events?after=${after + pageSize}&access_token=${token}`
            : undefined;
        return { body: { data, paging: next === undefined ? {} : { next } } };
      },
    });
    try {
      dataset = `state_unit_checkpoint_${process.pid}_${Date.now()}`;
      const config = `
const graphPaging = {
  kind: 'paginator',
  specificationVersion: 'v1',
  type: 'graph_paging',
  create: () => {
    let next;
    return {
      resume: (checkpoint) => { next = checkpoint.next; },
      first: (request) => (next === undefined ? request : { ...request, url: next }),
      next: (page) => {
        next = page.response.body.paging.next;
        return next === undefined ? { done: true, reason: 'no next link' } : { done: false, request: { ...page.request, url: next } };
      },
      checkpoint: () => (next === undefined ? undefined : { next }),
    };
  },
};
export default {
  pipeline: { name: 'state_unit', dataset: ${JSON.stringify(dataset)} },
  destination: ${JSON.stringify(databaseUrl)},
  source: {
    client: {
      base_url: ${JSON.stringify(`${events.url}/v1`)},
      auth: { type: 'api_key', name: 'access_token', api_key: { secret: 'access_token' }, location: 'query' },
      paginator: graphPaging,
    },
    resources: [{ name: 'events', primary_key: 'id', write_disposition: 'merge', endpoint: { path: 'events', data_selector: 'data' } }],
  },
};
`;
      await writeFile(join(directory, 'sync.mjs'), config);
      const withToken = { env: { ACCESS_TOKEN: token } };

      const failed = await cli(['run', 'sync.mjs', '--json'], withToken);
      expect(failed.code).not.toBe(0);

      // The run stores the checkpoint without the echoed token (the auth puts it back on resume).
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const table = `"${dataset}"._restsync_state`;
        const stored = await client.query<{ row: string }>(`SELECT s::text AS row FROM ${table} s`);
        expect(stored.rows.map((row) => row.row).join()).toContain(`after=${2 * pageSize}`);
        expect(stored.rows.map((row) => row.row).join()).not.toContain(token);
        // A row stored before restsync kept secrets out of state still holds the token: show must redact it.
        await client.query(
          `UPDATE ${table} SET state = jsonb_set(state, '{checkpoint,next}', to_jsonb($1::text))`,
          [`${events.url}/v1/events?after=${2 * pageSize}&access_token=${token}`],
        );
      } finally {
        await client.end();
      }

      const shown = await cli(['state', 'show', 'sync.mjs', '--json'], withToken);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).not.toContain(token);
      const states = (JSON.parse(shown.stdout) as JsonResult).states as Record<
        string,
        { checkpoint?: unknown }
      >;
      expect(states.events?.checkpoint).toEqual({
        next: `${events.url}/v1/events?after=${2 * pageSize}&access_token=***`,
      });
      const plain = await cli(['state', 'show', 'sync.mjs'], withToken);
      expect(plain.stdout).toContain('access_token=***');
      expect(plain.stdout).not.toContain(token);

      // The stored checkpoint itself still works: the rerun resumes at the third page.
      failThirdPage = false;
      const before = events.requests.length;
      const resumed = await cli(['run', 'sync.mjs', '--json'], withToken);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(events.requests.slice(before).map((request) => request.query.get('after'))).toEqual([
        String(2 * pageSize),
      ]);
      expect(resumed.stdout).not.toContain(token);
    } finally {
      await events.close();
    }
  });

  it('should refuse state reset without --resource and an unknown resource', async () => {
    const config = await writeConfig();
    expect((await cli(['state', 'reset', config, '--yes'])).stderr).toContain('needs --resource <name>');
    expect((await cli(['state', 'show', config, '--resource', 'itemz'])).stderr).toContain(
      'unknown resource "itemz"',
    );
  });
});
