import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiKey } from '@restsync/auth-api-key';
import {
  type Destination,
  type Paginator,
  pipeline,
  restApiSource,
  type Source,
  secret,
} from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import { type LoggedRequest, startTestServer, type TestServer } from '@restsync/test-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createWorkspace } from './cli-helpers/workspace';
import { type MongodbTarget, openMongodbTarget } from './sync-helpers/mongodb-target';
import { openPostgresTarget, type PostgresTarget } from './sync-helpers/postgres-target';

// A Facebook-Graph-style API echoes the access token in `paging.next`; a resumable paginator's
// checkpoint is that link, so before this fix the token was stored in clear in `_restsync_state`.
const token = 'graph-token-3c9d51e0aa';
const pageCount = 3;

interface GraphApiOptions {
  pageSize: number;
  /** Whether a request carries the credential (else 401). */
  accepts(request: LoggedRequest): boolean;
  /** While true, the third page is a 400 whose body echoes the request URL, token included. */
  failThirdPage(): boolean;
}

/** `/v1/events?after=<n>`, three pages of `pageSize` records; `paging.next` echoes `access_token=<token>`. */
async function startGraphApi({ pageSize, accepts, failThirdPage }: GraphApiOptions): Promise<TestServer> {
  const server: TestServer = await startTestServer({
    fallback: (request) => {
      if (request.path !== '/v1/events') return undefined;
      if (!accepts(request)) return { status: 401, body: { error: 'bad token' } };
      const after = Number(request.query.get('after') ?? 0);
      if (after >= 2 * pageSize && failThirdPage()) {
        return { status: 400, body: { error: `cannot serve ${request.url} now` } };
      }
      const data = Array.from({ length: pageSize }, (_, index) => ({ id: after + index + 1 }));
      const next =
        after + pageSize < pageCount * pageSize
          ? `${server.url}/v1/events?after=${after + pageSize}&access_token=${token}`
          : undefined;
      return { body: { data, paging: next === undefined ? {} : { next } } };
    },
  });
  return server;
}

/** A paginator that follows `paging.next` and checkpoints it (the link itself is the position). */
function graphPaging(): Paginator {
  return {
    kind: 'paginator',
    specificationVersion: 'v1',
    type: 'graph_paging',
    create: () => {
      let next: string | undefined;
      return {
        resume: (checkpoint) => {
          next = checkpoint.next as string;
        },
        first: (request) => (next === undefined ? request : { ...request, url: next }),
        next: (page) => {
          next = (page.response.body as { paging: { next?: string } }).paging.next;
          return next === undefined
            ? { done: true, reason: 'no next link' }
            : { done: false, request: { ...page.request, url: next } };
        },
        checkpoint: () => (next === undefined ? undefined : { next }),
      };
    },
  };
}

function graphSource(api: TestServer): Source {
  return restApiSource({
    client: {
      baseUrl: `${api.url}/v1`,
      auth: apiKey({ name: 'access_token', apiKey: secret('access_token'), location: 'query' }),
      paginator: graphPaging(),
    },
    resources: [
      {
        name: 'events',
        primaryKey: 'id',
        writeDisposition: 'merge',
        endpoint: { path: 'events', dataSelector: 'data' },
      },
    ],
  });
}

/** Pages of the pipeline API runs, each committed as its own batch. */
const pipelinePageSize = 40;

/** Two runs of the Graph API sync: the first fails at page 3, the second resumes; checks in between. */
async function failThenResume(
  destination: () => Destination,
  dataset: string,
  checks: { afterFailure(): Promise<void>; afterResume(): Promise<void> },
) {
  let failing = true;
  const api = await startGraphApi({
    pageSize: pipelinePageSize,
    accepts: (request) => request.query.get('access_token') === token,
    failThirdPage: () => failing,
  });
  try {
    const run = () =>
      pipeline({ name: 'graph', destination: destination(), dataset, batchSize: pipelinePageSize }).run(
        graphSource(api),
      );
    await expect(run()).rejects.toThrow(/HTTP 400/);
    // The second page was requested through the echoed link, so the checkpoint would have held the token.
    expect(api.requests.map((request) => request.query.get('access_token'))).toEqual([token, token, token]);
    await checks.afterFailure();

    failing = false;
    const before = api.requests.length;
    const resumed = await run();
    expect(resumed.status).toBe('succeeded');
    const resumedRequests = api.requests.slice(before);
    // Resumed at the third page, and the auth put the token back on the request.
    expect(
      resumedRequests.map((request) => [request.query.get('after'), request.query.get('access_token')]),
    ).toEqual([[String(2 * pipelinePageSize), token]]);
    expect(resumed.tables.events).toBe(pipelinePageSize);
    await checks.afterResume();
  } finally {
    await api.close();
  }
}

beforeEach(() => {
  vi.stubEnv('ACCESS_TOKEN', token);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('state never holds a secret: Postgres', () => {
  let target: PostgresTarget;
  beforeAll(async () => {
    target = await openPostgresTarget();
  });
  afterAll(async () => {
    await target.close();
  });

  it(`should store the checkpoint without the echoed token and resume from it (${process.env.DATABASE_URL ? 'server' : 'PGlite'})`, async () => {
    const dataset = target.dataset('state_secrets');
    const stateRows = () =>
      target.query<{ row: string; checkpoint: unknown; status: string }>(
        `SELECT s::text AS row, s.state->'checkpoint' AS checkpoint, s.status FROM "${dataset}"._restsync_state s`,
      );
    const loadRows = () =>
      target.query<{ row: string; status: string; error: string | null }>(
        `SELECT l::text AS row, l.status, l.error FROM "${dataset}"._restsync_loads l ORDER BY l.started_at`,
      );
    const eventIds = async () =>
      (await target.query<{ id: string }>(`SELECT id FROM "${dataset}".events ORDER BY id`)).map((row) =>
        Number(row.id),
      );

    await failThenResume(() => target.destination(), dataset, {
      async afterFailure() {
        const states = await stateRows();
        expect(states).toHaveLength(1);
        expect(states[0]?.row).not.toContain(token);
        expect(states[0]?.status).toBe('in_progress');
        expect(states[0]?.checkpoint).toEqual({
          next: expect.stringMatching(new RegExp(`/v1/events\\?after=${2 * pipelinePageSize}$`)),
        });
        const loads = await loadRows();
        expect(loads.map((load) => load.status)).toEqual(['failed']);
        expect(loads[0]?.error).toContain('HTTP 400');
        expect(loads[0]?.row).not.toContain(token);
        expect(await eventIds()).toHaveLength(2 * pipelinePageSize);
      },
      async afterResume() {
        const states = await stateRows();
        expect(states.map((state) => state.status)).toEqual(['complete']);
        expect(states[0]?.row).not.toContain(token);
        const loads = await loadRows();
        expect(loads.map((load) => load.status)).toEqual(['failed', 'succeeded']);
        expect(loads.map((load) => load.row).join('\n')).not.toContain(token);
        expect(await eventIds()).toEqual(
          Array.from({ length: pageCount * pipelinePageSize }, (_, index) => index + 1),
        );
      },
    });
  });
});

describe('state never holds a secret: MongoDB', () => {
  let target: MongodbTarget;
  beforeAll(async () => {
    target = await openMongodbTarget();
  });
  afterAll(async () => {
    await target.close();
  });

  it('should store the checkpoint without the echoed token and resume from it', async () => {
    const dataset = target.dataset('state_secrets');
    const collection = (name: string) => target.client.db(dataset).collection(name).find({}).toArray();

    await failThenResume(() => mongodb({ url: target.url }), dataset, {
      async afterFailure() {
        const states = await collection('_restsync_state');
        expect(states).toHaveLength(1);
        expect(JSON.stringify(states)).not.toContain(token);
        expect(JSON.stringify(states)).toContain(`after=${2 * pipelinePageSize}`);
        expect(JSON.stringify(await collection('_restsync_loads'))).not.toContain(token);
        expect(await collection('events')).toHaveLength(2 * pipelinePageSize);
      },
      async afterResume() {
        expect(JSON.stringify(await collection('_restsync_state'))).not.toContain(token);
        expect(JSON.stringify(await collection('_restsync_loads'))).not.toContain(token);
        const ids = (await collection('events'))
          .map((document) => document.id as number)
          .sort((a, b) => a - b);
        expect(ids).toEqual(Array.from({ length: pageCount * pipelinePageSize }, (_, index) => index + 1));
      },
    });
  });
});

describe('state never holds a secret: the built CLI with a bearer token', () => {
  it('should store the checkpoint without the echoed token and resume with the Authorization header', async () => {
    const workspace = await createWorkspace(token, onTestFinished);
    const dataset = workspace.dataset('state_secrets_cli');
    let failing = true;
    // Two pages fill the CLI's 5000-row batch, so the first run commits them before page 3 fails.
    const cliPageSize = 2_500;
    const api = await startGraphApi({
      pageSize: cliPageSize,
      accepts: (request) => request.headers.authorization === `Bearer ${token}`,
      failThirdPage: () => failing,
    });
    onTestFinished(() => api.close());
    await writeFile(
      join(workspace.directory, 'sync.mjs'),
      `
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
  pipeline: { name: 'graph', dataset: ${JSON.stringify(dataset)} },
  destination: ${JSON.stringify(workspace.database.url)},
  source: {
    client: {
      base_url: ${JSON.stringify(`${api.url}/v1`)},
      auth: { type: 'bearer', token: { secret: 'graph_token' } },
      paginator: graphPaging,
    },
    resources: [{ name: 'events', primary_key: 'id', write_disposition: 'merge', endpoint: { path: 'events', data_selector: 'data' } }],
  },
};
`,
    );
    const environment = { GRAPH_TOKEN: token };
    const failed = await workspace.run(['run', 'sync.mjs'], environment);
    expect(failed.code).toBe(1);
    expect(`${failed.stdout}${failed.stderr}`).not.toContain(token);
    const stateRow = async () =>
      (
        await workspace.database.query<{ row: string }>(
          `SELECT s::text AS row FROM "${dataset}"._restsync_state s`,
        )
      ).map((row) => row.row);
    const stored = await stateRow();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(`after=${2 * cliPageSize}`);
    expect(stored[0]).not.toContain(token);
    const loads = await workspace.database.query<{ row: string }>(
      `SELECT l::text AS row FROM "${dataset}"._restsync_loads l`,
    );
    expect(loads.map((load) => load.row).join('\n')).not.toContain(token);

    failing = false;
    const before = api.requests.length;
    const resumed = await workspace.run(['run', 'sync.mjs'], environment);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedRequests = api.requests.slice(before);
    // Resumed at the third page: the token left the URL (a request that followed the API's next
    // link would carry it), and the bearer auth sent its header. Into PGlite, pages read from the
    // start while it opened come before it, then are dropped for the checkpoint.
    const sent = resumedRequests.map((request) => [
      request.query.get('after'),
      request.query.get('access_token'),
      request.headers.authorization,
    ]);
    expect(sent.at(-1)).toEqual([String(2 * cliPageSize), null, `Bearer ${token}`]);
    expect(sent.slice(0, -1).map(([after]) => after)).toEqual(
      [null, String(cliPageSize), String(2 * cliPageSize)].slice(0, sent.length - 1),
    );
    // As int: the pg driver reads a bigint count as text, PGlite (without DATABASE_URL) as a number.
    const ids = await workspace.database.query<{ count: number; distinct: number }>(
      `SELECT count(*)::int AS count, count(DISTINCT id)::int AS distinct FROM "${dataset}".events`,
    );
    expect(ids).toEqual([{ count: pageCount * cliPageSize, distinct: pageCount * cliPageSize }]);
    expect((await stateRow())[0]).not.toContain(token);
  });
});
