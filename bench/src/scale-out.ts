import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncConfig } from './sync-config';

/**
 * The scale-out scenario: a latency-bound workload (the reference API waits 100 ms per page), run
 * with `restsync run --engine` on 1, 2 and 4 `restsync worker` processes (concurrency 1 each), every
 * run checked (count = distinct = N). The API is a minimal offset-paged server whose requests wait
 * concurrently (the reference API answers one request at a time, which would hide any scaling). Reports rows/s and the speed-up over 1 worker.
 *
 * Environment: DATABASE_URL (a Postgres server; required: workers on PGlite cannot share it),
 * REDIS_URL (default redis://127.0.0.1:6379), BENCH_SCALE_RECORDS (default 100 000; 0 skips),
 * BENCH_SCALE_LATENCY_MS (default 100), BENCH_SCALE_WORKERS (the worker counts, default 1,2,4),
 * BENCH_SCALE_PAGE_CONCURRENCY (requests in flight per worker, the resource's `concurrency`; default 1),
 * BENCH_SCALE_WORKER_NODE_ARGS (Node flags for the workers, e.g. `--cpu-prof --cpu-prof-dir=<dir>`).
 */
export async function scaleOutReport(cliBin: string): Promise<string[]> {
  const records = Number(process.env.BENCH_SCALE_RECORDS ?? 100_000);
  const databaseUrl = process.env.DATABASE_URL;
  if (records <= 0) return [];
  if (!databaseUrl) return ['scale-out: skipped (needs DATABASE_URL: workers share a Postgres server)'];
  const latencyMs = Number(process.env.BENCH_SCALE_LATENCY_MS ?? 100);
  // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the workers.
  const workerNodeArgs = (process.env.BENCH_SCALE_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const pageConcurrency = Number(process.env.BENCH_SCALE_PAGE_CONCURRENCY ?? 1);
  const workerCounts = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const apiKey = 'bench-scale-key-not-a-secret';
  const directory = mkdtempSync(join(tmpdir(), 'restsync-bench-scale-'));
  const api = await startLatencyApi(records, latencyMs);
  const config = join(directory, 'sync.json');
  const document = syncConfig(api.url, 'bench_scale') as { source: { resources: Record<string, unknown>[] } };
  // Requests in flight per worker: 1 keeps each worker bound by the API's latency (4, the default,
  // keeps one worker near a core busy, and then a 2-core machine has no room for a second worker).
  for (const resource of document.source.resources) resource.concurrency = pageConcurrency;
  writeFileSync(config, JSON.stringify(document));
  const env = { ...process.env, API_KEY: apiKey };
  const lines = [
    '',
    `Scale-out (BullMQ on ${redisUrl}): ${records} rows, the API waits ${latencyMs} ms per page; workers × concurrency 1, ${pageConcurrency} request(s) in flight per worker`,
    '',
    '| workers | wall s | rows/s | speed-up over 1 worker |',
    '| --- | --- | --- | --- |',
  ];
  let baseline: number | undefined;
  try {
    for (const count of workerCounts) {
      const prefix = `restsync-bench-${randomUUID().slice(0, 8)}`;
      const engineUrl = `${redisUrl}?prefix=${prefix}`;
      const dataset = `bench_scale_${count}_${process.pid}`;
      const workers = Array.from({ length: count }, () =>
        spawn(process.execPath, [...workerNodeArgs, cliBin, 'worker', '--engine', engineUrl], {
          cwd: directory,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      try {
        await Promise.all(workers.map((worker) => readyOf(worker)));
        const started = performance.now();
        const code = await exitOf(
          spawn(
            process.execPath,
            [
              cliBin,
              'run',
              config,
              '--engine',
              engineUrl,
              '--destination',
              databaseUrl,
              '--dataset',
              dataset,
            ],
            {
              cwd: directory,
              env,
              stdio: 'ignore',
            },
          ),
        );
        const seconds = (performance.now() - started) / 1000;
        if (code !== 0) throw new Error(`scale-out with ${count} workers: restsync run exited with ${code}`);
        const counted = await countRows(databaseUrl, dataset);
        if (counted.rows !== records || counted.ids !== records) {
          throw new Error(
            `scale-out with ${count} workers: ${counted.rows} rows, ${counted.ids} ids, expected ${records}`,
          );
        }
        baseline ??= seconds;
        lines.push(
          `| ${count} | ${seconds.toFixed(1)} | ${Math.round(records / seconds)} | ${(baseline / seconds).toFixed(2)} × |`,
        );
      } finally {
        for (const worker of workers) worker.kill('SIGTERM');
        await Promise.all(workers.map((worker) => exitOf(worker)));
        await dropSchema(databaseUrl, dataset);
        await run('sh', [
          '-c',
          `redis-cli -u '${redisUrl}' --scan --pattern '${prefix}:*' | xargs -r redis-cli -u '${redisUrl}' del`,
        ]);
      }
    }
  } finally {
    await api.close();
    rmSync(directory, { recursive: true, force: true });
  }
  lines.push(
    '',
    `Near-linear while the API latency dominates; no test asserts these timings. Load average at the end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} on ${cpus().length} cores.`,
  );
  return lines;
}

function readyOf(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    worker.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready on')) resolve();
    });
    worker.once('exit', () => reject(new Error(`a worker exited before it was ready:\n${output}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function run(command: string, args: string[]): Promise<number | null> {
  return exitOf(spawn(command, args, { stdio: 'ignore' }));
}

/** `GET /v1/resource?offset=&limit=` → `{ data, total }` after `latencyMs`, requests waiting concurrently. */
async function startLatencyApi(
  records: number,
  latencyMs: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const offset = Number(query.get('offset') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    const data: Record<string, unknown>[] = [];
    for (let id = offset + 1; id <= Math.min(records, offset + limit); id++) {
      data.push({
        id,
        name: `record ${id}`,
        value: id * 1.5,
        updated_at: '2026-01-01T00:00:00Z',
        nested: { a: id, b: 'b' },
      });
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data, total: records }));
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function countRows(databaseUrl: string, schema: string): Promise<{ rows: number; ids: number }> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM "${schema}".resource_name`,
    );
    return result.rows[0] as { rows: number; ids: number };
  } finally {
    await client.end();
  }
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
