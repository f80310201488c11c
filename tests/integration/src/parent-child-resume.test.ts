import { describe, expect, it } from 'vitest';
import { startGatedProxy } from './cli-helpers/gated-proxy';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';
import { familiesConfig, query, rowCounts, serverUrl, startFamiliesApi } from './engine-helpers';

const parents = 2_000;
const pageSize = 100;
const eventsPerParent = 3;
// A page tree (100 parents and their 300 events) is 400 rows and 101 requests: the first 5,000-row
// batch commits after 13 trees; the proxy then holds the run in its 16th tree, before the end.
const passThrough = 1_600;

async function eventCounts(schema: string) {
  const [row] = await query<{ rows: number; pairs: number }>(
    `select count(*)::int as rows, count(distinct (parent_id, id))::int as pairs from "${schema}"."events"`,
  );
  return row;
}

describe('a parent with children under append, its run killed -9 (CLI, Postgres)', () => {
  // Regression: a parent with children stored no checkpoint, so the rerun loaded it from page 1 and
  // every parent and child row committed before the kill was appended twice.
  it('should load every parent row and every child row exactly once after the rerun', async ({
    onTestFinished,
  }) => {
    const api = await startFamiliesApi(onTestFinished, { parents, eventsPerParent, eventIds: 'per-parent' });
    const proxy = await startGatedProxy(api.url, passThrough);
    onTestFinished(() => proxy.close());
    const workspace = await createWorkspace('unused', (cleanup) => onTestFinished(cleanup));
    const config = await writeConfig(
      workspace.directory,
      'sync.json',
      familiesConfig(proxy.url, { pageSize, keyedEvents: false }),
    );
    const dataset = workspace.dataset('parent_child_resume');
    const args = ['run', config, '--destination', serverUrl, '--dataset', dataset, '--lease-ttl', '5s'];

    const killed = workspace.start(args, {});
    await killed.waitForOutput(/batch committed/, 'stderr');
    // The batch's transaction is visible once the parents table holds rows.
    for (;;) {
      const tables = await query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = '${dataset}' and table_name = 'parents'`,
      );
      if (tables.length > 0 && ((await rowCounts(dataset, 'parents'))?.rows ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    killed.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const committed = await rowCounts(dataset, 'parents');
    expect(committed?.rows).toBeLessThan(parents);
    proxy.release();

    const rerun = await workspace.run([...args, '--wait', '2m'], {});

    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await rowCounts(dataset, 'parents')).toEqual({ rows: parents, ids: parents });
    expect(await eventCounts(dataset)).toEqual({
      rows: parents * eventsPerParent,
      pairs: parents * eventsPerParent,
    });
  });
});
