import type { JsonResult } from '@restsync/cli';
import { startTestServer, type TestServer } from '@restsync/test-server';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// dlt's GitHub-style incremental config run by the built CLI into Postgres (or PGlite without DATABASE_URL).

const apiKey = 'incremental-e2e-key-3b7d';

async function world(
  onTestFinished: (handler: OnTestFinishedHandler) => void,
  script?: Record<number, '401'>,
) {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const server: TestServer = await startTestServer({
    collections: {
      issues: {
        records: 95,
        pagination: { type: 'offset' },
        incremental: { sinceParam: 'since' },
        order: 'asc',
        ...(script ? { script } : {}),
      },
    },
  });
  onTestFinished(() => server.close());
  const dataset = workspace.dataset('incremental');
  const config = (incremental: Record<string, unknown>, params: Record<string, string>) =>
    writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: 'issues_sync', dataset },
      destination: workspace.database.url,
      source: {
        client: { base_url: `${server.url}/v1` },
        resources: [
          {
            name: 'issues',
            primary_key: 'id',
            write_disposition: 'merge',
            concurrency: 1,
            endpoint: {
              path: 'issues',
              data_selector: 'data',
              paginator: { type: 'offset', limit: 10 },
              params,
              incremental,
            },
          },
        ],
      },
    });
  const issueRequests = () => server.requests.filter((request) => request.handler === 'issues').length;
  const rows = async () =>
    workspace.database.query<{ id: number; name: string }>(
      `select id::int as id, name from "${dataset}"."issues" order by id`,
    );
  const run = async (path: string, ...extra: string[]) => {
    const result = await workspace.run(['run', path, '--json', ...extra]);
    return { ...result, json: JSON.parse(result.stdout) as JsonResult };
  };
  const storedCursor = async (path: string) => {
    const shown = await workspace.run(['state', 'show', path, '--json']);
    const states = (JSON.parse(shown.stdout) as JsonResult).states as Record<
      string,
      { incremental?: { cursors: Record<string, { lastValue: string }> } }
    >;
    return states.issues?.incremental?.cursors['']?.lastValue;
  };
  return { server, config, issueRequests, rows, run, storedCursor };
}

const github = { cursor_path: 'updated_at', initial_value: '2000-01-01T00:00:00Z' };
const since = { since: '{incremental.start_value}' };

describe.concurrent('incremental loading (built CLI, child process)', () => {
  it('should load only the added and changed records on the second run', { timeout: 180_000 }, async ({
    onTestFinished,
  }) => {
    const { server, config, issueRequests, rows, run } = await world(onTestFinished);
    const path = await config(github, since);
    const first = await run(path);
    expect(first.code, first.stderr).toBe(0);
    expect(await rows()).toHaveLength(95);
    const firstRequests = issueRequests();

    const { added, updated } = server.collection('issues').mutate({ add: 12, update: 7 });
    const second = await run(path);
    expect(second.code, second.stderr).toBe(0);
    // 19 records (and the boundary record, de-duplicated) in pages of 10.
    expect(issueRequests() - firstRequests).toBeLessThanOrEqual(3);
    expect(second.json.resources.issues?.rows).toBe(19);
    const loaded = await rows();
    expect(loaded).toHaveLength(107);
    const collection = server.collection('issues');
    for (const id of [...updated, ...added]) {
      expect(loaded.find((row) => row.id === id)?.name).toBe(collection.record(id).name);
    }
    const unchanged = loaded.filter((row) => !updated.includes(row.id) && !added.includes(row.id));
    expect(unchanged.every((row) => row.name.endsWith('-g1'))).toBe(true);
  });

  it('should miss no changed record when the second run fails partway and is rerun', {
    timeout: 180_000,
  }, async ({ onTestFinished }) => {
    // Run 1 makes 10 requests; request 12 (run 2's second page) fails with a 401.
    const { server, config, rows, run } = await world(onTestFinished, { 12: '401' });
    const path = await config(github, since);
    expect((await run(path)).code).toBe(0);
    const { updated } = server.collection('issues').mutate({ add: 15, update: 10 });
    const failed = await run(path);
    expect(failed.code).toBe(1);
    const rerun = await run(path);
    expect(rerun.code, rerun.stderr).toBe(0);
    const loaded = await rows();
    expect(loaded).toHaveLength(110);
    expect(new Set(loaded.map((row) => row.id)).size).toBe(110);
    for (const id of updated) {
      expect(loaded.find((row) => row.id === id)?.name).toBe(server.collection('issues').record(id).name);
    }
  });

  it('should leave the stored cursor unchanged on an end_value backfill', { timeout: 180_000 }, async ({
    onTestFinished,
  }) => {
    const { config, run, storedCursor } = await world(onTestFinished);
    const path = await config(github, since);
    expect((await run(path)).code).toBe(0);
    const cursor = await storedCursor(path);
    expect(cursor).toEqual(expect.any(String));

    const backfill = await config(
      { ...github, end_value: '2100-01-01T00:00:00Z' },
      { since: '{incremental.start_value}' },
    );
    const result = await run(backfill);
    expect(result.code, result.stderr).toBe(0);
    // Stateless: it starts at initial_value, so every record is read again.
    expect(result.json.resources.issues?.rows).toBe(95);
    expect(await storedCursor(backfill)).toBe(cursor);
  });
});
