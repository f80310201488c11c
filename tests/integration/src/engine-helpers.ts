import { randomUUID } from 'node:crypto';
import { type ReferenceApi, startTestServer, type TestServer } from '@restsync/test-server';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { RunningProcess } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { type CliWorkspace, createWorkspace } from './cli-helpers/workspace';

/** Workers and runs share one Redis and one Postgres server (PGlite allows one process). */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const serverUrl = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export async function query<Row>(sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Rows and distinct ids in a dataset's table. */
export async function rowCounts(schema: string, table = 'resource_name') {
  const [row] = await query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."${table}"`,
  );
  return row;
}

/** A Redis key prefix of this test's own; its keys are deleted after the test. */
export function enginePrefix(onFinished: (cleanup: () => Promise<void>) => void): {
  prefix: string;
  engineUrl: string;
} {
  const prefix = `restsync-test-${randomUUID().slice(0, 8)}`;
  onFinished(async () => {
    const redis = new Redis(redisUrl);
    try {
      const keys = await scanKeys(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
  return { prefix, engineUrl: `${redisUrl}?prefix=${prefix}` };
}

export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Every value stored under the prefix, whatever the key's type, as text. */
export async function dumpKeys(prefix: string): Promise<{ keys: string[]; text: string }> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await scanKeys(redis, prefix);
    const parts: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      else parts.push(`<${type}>`);
    }
    return { keys, text: parts.join('\n') };
  } finally {
    redis.disconnect();
  }
}

/** Starts `count` workers and waits until each is listening. */
export async function startWorkers(
  workspace: CliWorkspace,
  engineUrl: string,
  count: number,
  extra: string[] = [],
  env?: Record<string, string | undefined>,
): Promise<RunningProcess[]> {
  const workers = Array.from({ length: count }, () =>
    workspace.start(['worker', '--engine', engineUrl, ...extra], env),
  );
  await Promise.all(workers.map((worker) => worker.waitForOutput(/ready on/, 'stderr')));
  return workers;
}

/** The units a worker reported done. */
export function unitsDone(worker: RunningProcess): string[] {
  return [...worker.stderr().matchAll(/unit (\S+) of pipeline "[^"]*" done/g)].map((match) => match[1] ?? '');
}

/** Waits until `worker` starts a unit of `pipeline`; returns the unit's name. */
export async function unitStarted(worker: RunningProcess, pipeline: string): Promise<string> {
  const [, unit] = await worker.waitForOutput(
    new RegExp(`unit (\\S+) of pipeline "${pipeline}" started`),
    'stderr',
  );
  if (unit === undefined) throw new Error(`no unit of pipeline "${pipeline}" started`);
  return unit;
}

/** Where a run on the engine reads its config, which engine (Redis URL) it uses, and the dataset it loads. */
export interface EngineTarget {
  config: string;
  engineUrl: string;
  dataset: string;
}

/** `restsync <command> <config> --engine <engineUrl> --destination <Postgres server> --dataset <dataset>`, then `extra`. */
export function engineArgs(command: 'run' | 'schedule', target: EngineTarget, ...extra: string[]): string[] {
  return [
    command,
    target.config,
    '--engine',
    target.engineUrl,
    '--destination',
    serverUrl,
    '--dataset',
    target.dataset,
    ...extra,
  ];
}

export interface SeedEngineOptions {
  /** The API key the reference API asks for (API_KEY of every CLI process). */
  apiKey: string;
  records: number;
  /** The reference API's delay per request. */
  latencyMs: number;
  /** The prefix of the test's own dataset name. */
  dataset: string;
  /** @default 'merge' (the seed config's) */
  writeDisposition?: 'append' | 'merge' | 'replace';
  /** Records per page. @default 100 (the seed config's) */
  pageSize?: number;
}

/** A seed pipeline on the engine, ready to run: its workspace, its API, its Redis prefix and its target. */
export interface SeedEngine extends EngineTarget {
  workspace: CliWorkspace;
  api: ReferenceApi;
  /** The Redis key prefix of this test (its keys are deleted after the test). */
  prefix: string;
}

/**
 * A workspace with the reference API of `records` records behind `apiKey`, a Redis prefix of the
 * test's own, and the seed config (pipeline "shop") written to `sync.json`.
 */
export async function setUpSeedEngine(
  onTestFinished: (cleanup: () => Promise<void>) => void,
  options: SeedEngineOptions,
): Promise<SeedEngine> {
  const workspace = await createWorkspace(options.apiKey, (cleanup) => onTestFinished(cleanup));
  const { prefix, engineUrl } = enginePrefix(onTestFinished);
  const api = await workspace.startApi({
    records: options.records,
    apiKey: options.apiKey,
    latencyMs: options.latencyMs,
  });
  const source = seedSource(api.url);
  if (options.writeDisposition) source.resource_defaults.write_disposition = options.writeDisposition;
  const [resource] = source.resources;
  if (resource && options.pageSize !== undefined) resource.endpoint.paginator.limit = options.pageSize;
  const config = await writeConfig(workspace.directory, 'sync.json', { pipeline: { name: 'shop' }, source });
  return { workspace, api, prefix, engineUrl, config, dataset: workspace.dataset(options.dataset) };
}

export interface FamiliesApiOptions {
  parents: number;
  eventsPerParent: number;
  /** The delay of every answer. @default 0 */
  latencyMs?: number;
  /** `unique`: event ids `<parent>-<n>`, unique across parents; `per-parent`: 1, 2, … for each parent. */
  eventIds: 'unique' | 'per-parent';
}

/**
 * An API of `parents` parents (`/v1/parents`, offset pages with a total), each with
 * `eventsPerParent` events at `/v1/events/<parent id>` (one page); closed after the test.
 */
export async function startFamiliesApi(
  onTestFinished: (cleanup: () => Promise<void>) => void,
  options: FamiliesApiOptions,
): Promise<TestServer> {
  const latencyMs = options.latencyMs ?? 0;
  const api = await startTestServer({
    collections: { parents: { records: options.parents, latencyMs } },
    fallback: (request) => {
      const parent = /^\/v1\/events\/(\d+)$/.exec(request.path)?.[1];
      if (parent === undefined) return undefined;
      const data = Array.from({ length: options.eventsPerParent }, (_, index) => ({
        id: options.eventIds === 'unique' ? `${parent}-${index + 1}` : index + 1,
        parent_id: Number(parent),
      }));
      return { body: { data }, delayMs: latencyMs };
    },
  });
  onTestFinished(() => api.close());
  return api;
}

export interface FamiliesConfigOptions {
  pageSize: number;
  /** Whether `events` has the primary key `id` too (`parents` always has). */
  keyedEvents: boolean;
}

/**
 * The config of pipeline "families", appended: `parents` in offset pages of `pageSize` (primary
 * key `id`), and each parent's `events` (one page, from `/v1/events/{resources.parents.id}`).
 */
export function familiesConfig(baseUrl: string, options: FamiliesConfigOptions) {
  return {
    pipeline: { name: 'families' },
    source: {
      client: { base_url: baseUrl },
      resource_defaults: options.keyedEvents
        ? { primary_key: 'id', write_disposition: 'append' }
        : { write_disposition: 'append' },
      resources: [
        {
          name: 'parents',
          ...(options.keyedEvents ? {} : { primary_key: 'id' }),
          endpoint: {
            path: '/v1/parents',
            data_selector: 'data',
            paginator: { type: 'offset', limit: options.pageSize, total_path: 'total' },
          },
        },
        {
          name: 'events',
          endpoint: {
            path: '/v1/events/{resources.parents.id}',
            data_selector: 'data',
            paginator: { type: 'single_page' },
          },
        },
      ],
    },
  };
}
