import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { RunningProcess } from './cli-helpers/spawn-cli';
import type { CliWorkspace } from './cli-helpers/workspace';

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
