import type { JsonResult } from '@restsync/cli';
import { type LoggedRequest, startTestServer, type TestServer } from '@restsync/test-server';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// Incremental cursors through the built CLI into Postgres (or PGlite without DATABASE_URL): boundary
// rows that share the start timestamp, one cursor per parent for a child resource, and integer
// cursors beyond 2^53. The APIs are routes of a real HTTP test server that filter on `since`.

const apiKey = 'incremental-cursors-e2e-key-5c1e';
const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString();

interface TimedRecord {
  id: number;
  updated_at: string;
}

/** The records at or after `?since=` (inclusive, as GitHub's `since`), ascending by updated_at then id. */
function sinceFilter<Record extends TimedRecord>(records: Record[], request: LoggedRequest): Record[] {
  const since = request.query.get('since');
  return records
    .filter((record) => since === null || Date.parse(record.updated_at) >= Date.parse(since))
    .sort((left, right) => left.updated_at.localeCompare(right.updated_at) || left.id - right.id);
}

async function world(onTestFinished: (handler: OnTestFinishedHandler) => void, prefix: string) {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const dataset = workspace.dataset(prefix);
  const start = async (routes: Parameters<typeof startTestServer>[0]) => {
    const server: TestServer = await startTestServer(routes);
    onTestFinished(() => server.close());
    return server;
  };
  const config = (source: Record<string, unknown>) =>
    writeConfig(workspace.directory, 'sync.json', {
      pipeline: { name: `${prefix}_sync`, dataset },
      destination: workspace.database.url,
      source,
    });
  const run = async (path: string) => {
    const result = await workspace.run(['run', path, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as JsonResult;
  };
  const query = <Row>(sql: string) => workspace.database.query<Row>(sql);
  const cursors = async (path: string, resource: string) => {
    const shown = await workspace.run(['state', 'show', path, '--json', '--resource', resource]);
    expect(shown.code, shown.stderr).toBe(0);
    const states = (JSON.parse(shown.stdout) as JsonResult).states as Record<
      string,
      { incremental?: { cursors: Record<string, { lastValue?: unknown; uniqueHashes?: string[] }> } }
    >;
    return states[resource]?.incremental?.cursors;
  };
  return { dataset, start, config, run, query, cursors };
}

describe.concurrent('incremental cursors (built CLI, child process)', () => {
  it('should lose and double no record when several records share the start timestamp', {
    timeout: 180_000,
  }, async ({ onTestFinished }) => {
    const { dataset, start, config, run, query, cursors } = await world(onTestFinished, 'boundary');
    // Four records at minute 0 and four at minute 1; pages of 3 split both groups.
    const events: (TimedRecord & { name: string })[] = Array.from({ length: 8 }, (_, index) => ({
      id: index + 1,
      name: `event ${index + 1}`,
      updated_at: at(index < 4 ? 0 : 1),
    }));
    const server = await start({
      routes: {
        'GET /v1/events': (request) => {
          const offset = Number(request.query.get('offset') ?? 0);
          const limit = Number(request.query.get('limit') ?? 100);
          const matching = sinceFilter(events, request);
          return { body: { data: matching.slice(offset, offset + limit), total: matching.length } };
        },
      },
    });
    const path = await config({
      client: { base_url: `${server.url}/v1` },
      resources: [
        {
          name: 'events',
          primary_key: 'id',
          // Append: a record loaded twice would be a second row.
          write_disposition: 'append',
          endpoint: {
            path: 'events',
            data_selector: 'data',
            paginator: { type: 'offset', limit: 3 },
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at', initial_value: at(0) },
          },
        },
      ],
    });
    const loaded = async () =>
      (await query<{ id: number }>(`select id::int as id from "${dataset}"."events" order by id`)).map(
        (row) => row.id,
      );

    expect((await run(path)).resources.events?.rows).toBe(8);
    const stored = await cursors(path, 'events');
    expect(stored?.['']?.lastValue).toBe(at(1));
    // The four records at the last value are remembered by their primary-key hashes.
    expect(stored?.['']?.uniqueHashes).toHaveLength(4);

    // Two more records at the boundary timestamp (minute 1), one after it.
    events.push(
      { id: 9, name: 'event 9', updated_at: at(1) },
      { id: 10, name: 'event 10', updated_at: at(1) },
      { id: 11, name: 'event 11', updated_at: at(2) },
    );
    const before = server.requests.length;
    const second = await run(path);
    expect(server.requests[before]?.query.get('since')).toBe(at(1));
    // The API sends records 5 to 11 again; 5 to 8 were loaded by run 1.
    expect(second.resources.events?.rows).toBe(3);
    expect(await loaded()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    // Nothing new: the boundary record 11 is not loaded again.
    expect((await run(path)).resources.events?.rows).toBe(0);
    expect(await loaded()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('should keep one cursor per parent, so a new child under one parent is fetched only for that parent', {
    timeout: 180_000,
  }, async ({ onTestFinished }) => {
    const { dataset, start, config, run, query, cursors } = await world(onTestFinished, 'per_parent');
    const tasks = new Map<number, TimedRecord[]>([
      [
        1,
        [
          { id: 101, updated_at: at(1) },
          { id: 102, updated_at: at(2) },
        ],
      ],
      [2, [{ id: 201, updated_at: at(9) }]],
      [3, [{ id: 301, updated_at: at(4) }]],
    ]);
    /** Task ids each child request was answered with, by project, in request order. */
    const served: { project: number; since: string | null; ids: number[] }[] = [];
    const taskRoute = (project: number) => (request: LoggedRequest) => {
      const records = sinceFilter(tasks.get(project) ?? [], request);
      served.push({ project, since: request.query.get('since'), ids: records.map((task) => task.id) });
      return { body: { data: records } };
    };
    const server = await start({
      routes: {
        'GET /v1/projects': () => ({ body: { data: [{ id: 1 }, { id: 2 }, { id: 3 }] } }),
        'GET /v1/projects/1/tasks': taskRoute(1),
        'GET /v1/projects/2/tasks': taskRoute(2),
        'GET /v1/projects/3/tasks': taskRoute(3),
      },
    });
    const path = await config({
      client: { base_url: `${server.url}/v1`, paginator: 'single_page' },
      resources: [
        {
          name: 'projects',
          primary_key: 'id',
          write_disposition: 'merge',
          endpoint: { path: 'projects', data_selector: 'data' },
        },
        {
          name: 'tasks',
          primary_key: 'id',
          write_disposition: 'append',
          include_from_parent: ['id'],
          endpoint: {
            path: 'projects/{resources.projects.id}/tasks',
            data_selector: 'data',
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at', initial_value: at(0) },
          },
        },
      ],
    });

    expect((await run(path)).resources.tasks?.rows).toBe(4);
    expect(await cursors(path, 'tasks')).toMatchObject({
      'id=1': { lastValue: at(2) },
      'id=2': { lastValue: at(9) },
      'id=3': { lastValue: at(4) },
    });

    // A new task under project 1, older than project 2's cursor: one cursor shared by all
    // parents (dlt's) would ask project 1 from minute 9 on and never load it.
    tasks.get(1)?.push({ id: 103, updated_at: at(3) });
    served.length = 0;
    const second = await run(path);
    expect(served).toEqual([
      { project: 1, since: at(2), ids: [102, 103] },
      { project: 2, since: at(9), ids: [201] },
      { project: 3, since: at(4), ids: [301] },
    ]);
    expect(second.resources.tasks?.rows).toBe(1);
    const rows = await query<{ id: number; project: number }>(
      `select id::int as id, _projects_id::int as project from "${dataset}"."tasks" order by id`,
    );
    expect(rows).toEqual([
      { id: 101, project: 1 },
      { id: 102, project: 1 },
      { id: 103, project: 1 },
      { id: 201, project: 2 },
      { id: 301, project: 3 },
    ]);
    expect((await cursors(path, 'tasks'))?.['id=1']?.lastValue).toBe(at(3));
    expect(server.unhandled).toEqual([]);
  });

  it('should keep an integer cursor beyond 2^53 exact across runs', { timeout: 180_000 }, async ({
    onTestFinished,
  }) => {
    const { dataset, start, config, run, query, cursors } = await world(onTestFinished, 'big_cursor');
    // 2^53 + 1, + 3, + 5: none of them is a JS number, so only exact JSON keeps them apart.
    const entries = [
      { id: 1, sequence: 9_007_199_254_740_993n },
      { id: 2, sequence: 9_007_199_254_740_995n },
      { id: 3, sequence: 9_007_199_254_740_997n },
    ];
    const server = await start({
      routes: {
        'GET /v1/ledger': (request) => {
          const after = request.query.get('from');
          const matching = entries.filter((entry) => after === null || entry.sequence >= BigInt(after));
          const text = matching.map((entry) => `{"id":${entry.id},"sequence":${entry.sequence}}`).join(',');
          return { text: `{"data":[${text}]}` };
        },
      },
    });
    const path = await config({
      client: { base_url: `${server.url}/v1`, paginator: 'single_page' },
      resources: [
        {
          name: 'ledger',
          primary_key: 'id',
          write_disposition: 'append',
          endpoint: {
            path: 'ledger',
            data_selector: 'data',
            params: { from: '{incremental.start_value}' },
            incremental: { cursor_path: 'sequence', initial_value: 0 },
          },
        },
      ],
    });

    expect((await run(path)).resources.ledger?.rows).toBe(3);
    expect((await cursors(path, 'ledger'))?.['']?.lastValue).toEqual({ bigint: '9007199254740997' });

    entries.push({ id: 4, sequence: 9_007_199_254_740_998n });
    const before = server.requests.length;
    const second = await run(path);
    // As a JS number the stored value would come back as 9007199254740996.
    expect(server.requests[before]?.query.get('from')).toBe('9007199254740997');
    expect(second.resources.ledger?.rows).toBe(1);
    expect((await cursors(path, 'ledger'))?.['']?.lastValue).toEqual({ bigint: '9007199254740998' });
    const rows = await query<{ id: number; sequence: string }>(
      `select id::int as id, sequence::text as sequence from "${dataset}"."ledger" order by id`,
    );
    expect(rows).toEqual([
      { id: 1, sequence: '9007199254740993' },
      { id: 2, sequence: '9007199254740995' },
      { id: 3, sequence: '9007199254740997' },
      { id: 4, sequence: '9007199254740998' },
    ]);
  });
});
