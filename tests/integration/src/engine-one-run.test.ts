import { describe, expect, it } from 'vitest';
import { engineArgs, query, rowCounts, setUpSeedEngine, startWorkers } from './engine-helpers';

const apiKey = 'engine-one-run-key-91d0c3';
const records = 20_000;

describe('one run of a pipeline at a time across run --engine and schedules (BullMQ on Redis, Postgres)', () => {
  it('should run once when two run --engine commands and a schedule tick start together', async ({
    onTestFinished,
  }) => {
    const engine = await setUpSeedEngine(onTestFinished, {
      apiKey,
      records,
      latencyMs: 20,
      dataset: 'engine_one_run',
    });
    const { workspace, engineUrl, dataset } = engine;
    const workers = await startWorkers(workspace, engineUrl, 2, ['--concurrency', '2']);

    const runs = [workspace.run(engineArgs('run', engine)), workspace.run(engineArgs('run', engine))];
    // A job scheduler with `every` enqueues its first tick at once: a third start at the same moment.
    const scheduled = await workspace.run(engineArgs('schedule', engine, '--every', '1h'));
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const results = await Promise.all(runs);
    await Promise.race(
      workers.map((worker) =>
        worker.waitForOutput(/scheduled run of pipeline "shop" (succeeded|did not run)/, 'stderr'),
      ),
    );

    const loads = await query<{ status: string }>(`select status from "${dataset}"."_restsync_loads"`);
    expect(loads.map((load) => load.status)).toEqual(['succeeded']);
    expect(await rowCounts(dataset)).toEqual({ rows: records, ids: records });
    const refused = results.filter((result) => result.code !== 0);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const result of refused) expect(result.stderr).toMatch(/already running/);

    const removed = await workspace.run(['schedule', 'remove', 'shop', '--engine', engineUrl]);
    expect(removed.code, removed.stderr).toBe(0);
    const listed = await workspace.run(['schedule', 'list', '--engine', engineUrl]);
    expect(listed.stdout).toMatch(/no schedules/);
  });
});
