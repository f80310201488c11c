import { describe, expect, it } from 'vitest';
import { writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';
import {
  engineArgs,
  enginePrefix,
  familiesConfig,
  query,
  rowCounts,
  startFamiliesApi,
  startWorkers,
  unitStarted,
  unitsDone,
} from './engine-helpers';

const parents = 600;
const pageSize = 10;
const eventsPerParent = 3;
// Short leases, so a killed worker's unit moves on in seconds (BullMQ lock and unit lease).
const leaseTtl = '3s';

describe('a parent with many children across restsync workers (BullMQ on Redis, Postgres)', () => {
  it("should split the parent into groups of parents and load each parent's children exactly once (append), a worker killed mid-unit", async ({
    onTestFinished,
  }) => {
    const api = await startFamiliesApi(onTestFinished, {
      parents,
      eventsPerParent,
      latencyMs: 5,
      eventIds: 'unique',
    });
    const workspace = await createWorkspace('unused', (cleanup) => onTestFinished(cleanup));
    const { engineUrl } = enginePrefix(onTestFinished);
    const config = await writeConfig(
      workspace.directory,
      'sync.json',
      familiesConfig(api.url, { pageSize, keyedEvents: true }),
    );
    const dataset = workspace.dataset('engine_parents');
    const workers = await startWorkers(workspace, engineUrl, 3, ['--lease-ttl', leaseTtl]);
    const [victim, ...survivors] = workers;
    if (!victim) throw new Error('no worker');
    const run = workspace.start(
      engineArgs('run', { config, engineUrl, dataset }, '--lease-ttl', leaseTtl),
      {},
    );
    // Killed while it fetches its group's child sequences, before the group commits.
    const killed = await unitStarted(victim, 'families');
    await new Promise((resolve) => setTimeout(resolve, 300));
    victim.kill('SIGKILL');

    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(await rowCounts(dataset, 'parents')).toEqual({ rows: parents, ids: parents });
    expect(await rowCounts(dataset, 'events')).toEqual({
      rows: parents * eventsPerParent,
      ids: parents * eventsPerParent,
    });
    // Every parent's child sequence was loaded once: exactly its 3 events, no parent missing.
    const [perParent] = await query<{ parents: number; uneven: number }>(
      `select count(*)::int as parents, count(*) filter (where events <> ${eventsPerParent})::int as uneven
       from (select parent_id, count(*) as events from "${dataset}".events group by parent_id) as grouped`,
    );
    expect(perParent).toEqual({ parents, uneven: 0 });
    // 60 parent pages in groups of 20 pages: 3 units, each finished once; the killed one by another worker.
    const done = survivors.flatMap(unitsDone);
    expect(done.sort()).toEqual(['parents@0-20', 'parents@20-40', 'parents@40-end']);
    expect(done).toContain(killed);
  });
});
