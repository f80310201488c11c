import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { startGatedProxy } from './cli-helpers/gated-proxy';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import type { TestDatabase } from './cli-helpers/test-database';
import { createWorkspace } from './cli-helpers/workspace';

const apiKey = 'cancel-key-7b2e9d41';

function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

async function rowCounts(database: TestDatabase, schema: string) {
  const [row] = await database.query<{ rows: number; ids: number }>(
    `select count(*)::int as rows, count(distinct id)::int as ids from "${schema}"."resource_name"`,
  );
  return row;
}

async function loadStatuses(database: TestDatabase, schema: string): Promise<string[]> {
  const rows = await database.query<{ status: string }>(
    `select status from "${schema}"."_restsync_loads" order by started_at`,
  );
  return rows.map((row) => row.status);
}

describe('restsync run interrupted with Ctrl-C (child process)', () => {
  it('should stop after the current batch on SIGINT, exit 130, record the load cancelled, and the rerun should load every row exactly once', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, start, startApi } = await workspace(onTestFinished);
    const records = 8_000;
    const api = await startApi({ records, apiKey });
    // 60 pages (6,000 rows) go through: the first 5,000-row batch commits, then the next requests are held
    // until the test releases them, so the run is still going when SIGINT arrives, whatever the machine's load.
    const proxy = await startGatedProxy(api.url, 60);
    onTestFinished(() => proxy.close());
    const source = seedSource(proxy.url);
    // Appended rows have no key to deduplicate them: a row loaded twice would be counted twice.
    source.resource_defaults.write_disposition = 'append';
    const config = await writeConfig(directory, 'sync.json', { pipeline: { name: 'cancel' }, source });
    const name = dataset('cli_cancel');
    const args = ['run', config, '--destination', database.url, '--dataset', name];

    const interrupted = start(args);
    await interrupted.waitForOutput(/batch committed {2}5,000 rows/, 'stderr');
    interrupted.kill('SIGINT');
    const cancelled = await interrupted.exited;

    expect(cancelled.code, cancelled.stderr).toBe(130);
    expect(cancelled.stderr).toContain(
      'restsync: stopping after the current batch… (press Ctrl-C again to exit now)',
    );
    expect(cancelled.stderr).toContain(
      'restsync: Pipeline "cancel" was cancelled (interrupted by SIGINT): 1 batch (5,000 rows) committed in this run.',
    );
    expect(cancelled.stdout).toMatch(/✖ Pipeline "cancel" cancelled/);
    expect(cancelled.stdout + cancelled.stderr).not.toContain(apiKey);
    expect(await rowCounts(database, name)).toEqual({ rows: 5_000, ids: 5_000 });
    expect(await loadStatuses(database, name)).toEqual(['cancelled']);

    proxy.release();
    const rerun = await start(args).exited;

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/resource_name\s+3,000\s+30/);
    expect(await rowCounts(database, name)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(database, name)).toEqual(['cancelled', 'succeeded']);
  });
});
