import { describe, expect, it } from 'vitest';
import { engineArgs, query, setUpSeedEngine, startWorkers, unitsDone } from './engine-helpers';

const apiKey = 'engine-replace-key-5c8d1e';
const records = 3_000;

interface Observation {
  rows: number;
  /** Rows of the first generation (`name-<id>-g1`). */
  old: number;
  /** Rows in the staging table, or -1 when there is none. */
  staged: number;
}

async function observe(dataset: string): Promise<Observation> {
  const [live] = await query<{ rows: number; old: number }>(
    `select count(*)::int as rows, count(*) filter (where name like '%-g1')::int as old from "${dataset}".resource_name`,
  );
  const staged = await query<{ rows: number }>(
    `select count(*)::int as rows from "${dataset}"._restsync_staging_resource_name`,
  ).then(
    ([row]) => row?.rows ?? 0,
    () => -1,
  );
  return { rows: live?.rows ?? 0, old: live?.old ?? 0, staged };
}

describe('a replace resource split across restsync workers (BullMQ on Redis, Postgres)', () => {
  it('should keep the old full table live while the units stage, then swap in exactly the new rows once', async ({
    onTestFinished,
  }) => {
    const engine = await setUpSeedEngine(onTestFinished, {
      apiKey,
      records,
      latencyMs: 30,
      dataset: 'engine_replace',
      writeDisposition: 'replace',
      // 60 pages of 50: 3 units of 20 pages.
      pageSize: 50,
    });
    const { workspace, api, dataset } = engine;
    const workers = await startWorkers(workspace, engine.engineUrl, 3);
    const runArgs = engineArgs('run', engine);

    const first = await workspace.run(runArgs);
    expect(first.code, first.stderr).toBe(0);
    expect(await observe(dataset)).toEqual({ rows: records, old: records, staged: -1 });

    api.setGeneration(2);
    const second = workspace.start(runArgs);
    const seen: Observation[] = [];
    let exited = false;
    void second.exited.then(() => {
      exited = true;
    });
    while (!exited) {
      seen.push(await observe(dataset));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await second.exited;
    expect(result.code, result.stderr).toBe(0);

    // Readers saw the whole old table, then the whole new one: never a half table, never both.
    for (const observation of seen) {
      expect(observation.rows).toBe(records);
      expect([0, records]).toContain(observation.old);
    }
    // The units staged rows while the live table still held the old ones.
    expect(seen.some((observation) => observation.old === records && observation.staged > 0)).toBe(true);
    expect(await observe(dataset)).toEqual({ rows: records, old: 0, staged: -1 });
    const [ids] = await query<{ ids: number }>(
      `select count(distinct id)::int as ids from "${dataset}".resource_name`,
    );
    expect(ids?.ids).toBe(records);
    // Each run: 3 ranges, then one swap (a BullMQ flow's parent job) after the last of them.
    const done = workers.flatMap(unitsDone);
    expect(done.filter((unit) => /^resource_name@\d+-/.test(unit))).toHaveLength(6);
    expect(done.filter((unit) => unit === 'resource_name@swap')).toHaveLength(2);
  });
});
