import type { JsonResult } from '@restsync/cli';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { type GatedProxy, startGatedProxy } from './cli-helpers/gated-proxy';
import type { CliProcessResult, RunningProcess } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { uniqueDataset } from './cli-helpers/test-database';
import { createWorkspace } from './cli-helpers/workspace';
import { type PrivateCluster, startPrivateCluster } from './cluster-helpers/private-postgres';

// A Postgres cluster of this file's own: the tests restart and stop it mid-run.

const apiKey = 'restart-key-3f8a61c2';
const password = 'restart-pa55-e91d';
const records = 8_000;

let cluster: PrivateCluster;
beforeAll(async () => {
  cluster = await startPrivateCluster();
});
afterAll(async () => {
  await cluster?.destroy();
});

function parseJson(result: CliProcessResult): JsonResult {
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as JsonResult;
}

async function rowCounts(schema: string) {
  const [row] = await cluster.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."resource_name"`,
  );
  return row;
}

async function loadStatuses(schema: string): Promise<string[]> {
  const rows = await cluster.query<{ status: string }>(
    `select status from "${schema}"."_restsync_loads" order by started_at`,
  );
  return rows.map((row) => row.status);
}

/** Resolves once `condition` holds, checking again after each short pause; fails after `attempts` checks. */
async function until(condition: () => Promise<boolean>, what: string, attempts = 600): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting until ${what}`);
}

/**
 * Starts the CLI on an append resource of 8,000 records and brings it to a known point: its first
 * 5,000-row batch is committed, and the write of the last 3,000 rows is inside its transaction, held
 * on a lock the test took on the table. The test then restarts or stops the server under it.
 */
async function runUntilWriteIsBlocked(
  onTestFinished: (handler: OnTestFinishedHandler) => void,
  prefix: string,
): Promise<{
  cli: RunningProcess;
  proxy: GatedProxy;
  args: string[];
  schema: string;
  start: () => RunningProcess;
}> {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const api = await workspace.startApi({ records, apiKey });
  // 60 pages (6,000 rows) go through; the rest wait until the table is locked.
  const proxy = await startGatedProxy(api.url, 60);
  onTestFinished(() => proxy.close());
  const source = seedSource(proxy.url);
  // Appended rows have no key to deduplicate them: a batch written twice would be counted twice.
  source.resource_defaults.write_disposition = 'append';
  const config = await writeConfig(workspace.directory, 'sync.json', { pipeline: { name: prefix }, source });
  const schema = uniqueDataset(prefix);
  const args = ['run', config, '--destination', cluster.url(password), '--dataset', schema, '--json'];
  const cli = workspace.start(args);
  await cli.waitForOutput(/batch committed {2}5,000 rows/, 'stderr');

  const locker = new pg.Client({ connectionString: cluster.url() });
  // The restart ends this session too.
  locker.on('error', () => undefined);
  onTestFinished(() => locker.end().catch(() => undefined));
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE "${schema}"."resource_name" IN ACCESS EXCLUSIVE MODE`);
  proxy.release();
  await until(async () => {
    const waiting = await cluster.query<{ count: number }>(
      "select count(*)::int as count from pg_stat_activity where application_name = 'restsync' and wait_event_type = 'Lock'",
    );
    return (waiting[0]?.count ?? 0) > 0;
  }, 'the CLI waits on the lock inside its write');
  return { cli, proxy, args, schema, start: () => workspace.start(args) };
}

describe('restsync run while Postgres restarts (child process, private cluster)', () => {
  // Regression: a restart mid-run crashed the CLI with pg's unhandled 'error' event, no --json output and the load left running.
  it('should retry the batch on a fresh connection after a restart and load every row exactly once', async ({
    onTestFinished,
  }) => {
    const { cli, schema } = await runUntilWriteIsBlocked(onTestFinished, 'restarted');

    await cluster.restart();
    const result = await cli.exited;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const json = parseJson(result);
    expect(json.status).toBe('succeeded');
    expect(json.resources.resource_name?.rows).toBe(records);
    expect(await rowCounts(schema)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(schema)).toEqual(['succeeded']);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  // Regression: with the server gone, the CLI died with a stack trace; the rerun left the dead run's record `running`.
  it('should fail cleanly with --json and exit 1 when the server stays down, and the rerun should finish exactly and mark the dead load abandoned', async ({
    onTestFinished,
  }) => {
    const { cli, schema, start } = await runUntilWriteIsBlocked(onTestFinished, 'stopped');
    onTestFinished(() => cluster.start().catch(() => undefined));

    await cluster.stop();
    const failed = await cli.exited;

    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const json = parseJson(failed);
    expect(json.status).toBe('failed');
    expect(json.error?.code).toBe('destination');
    expect(json.error?.message).toContain(`host 127.0.0.1, port ${cluster.port}`);
    expect(failed.stdout + failed.stderr).not.toContain(password);

    await cluster.start();
    expect(await rowCounts(schema)).toEqual({ rows: 5_000, ids: 5_000 });
    expect(await loadStatuses(schema)).toEqual(['running']);

    const rerun = await start().exited;

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await rowCounts(schema)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(schema)).toEqual(['abandoned', 'succeeded']);
  });
});
