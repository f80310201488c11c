import { describe, expect, it } from 'vitest';
import {
  engineArgs,
  rowCounts,
  setUpSeedEngine,
  startWorkers,
  unitStarted,
  unitsDone,
} from './engine-helpers';

const apiKey = 'engine-late-commit-key-7c1f3a';
const records = 20_000;
const pageSize = 100;
// Short leases, so a stopped worker's unit moves on in seconds (BullMQ lock and unit lease).
const leaseTtl = '3s';

/** Resolves once `condition` holds (checked every 10 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('restsync worker stopped until its unit was taken over (BullMQ on Redis, Postgres)', () => {
  // Regression: a worker stopped in the middle of a batch's COPY kept the unit's lease row locked, and
  // the worker taking the unit over waited for it until the test timed out.
  it('should refuse the late commit of a worker resumed after another worker finished its unit', async ({
    onTestFinished,
  }) => {
    const engine = await setUpSeedEngine(onTestFinished, {
      apiKey,
      records,
      latencyMs: 150,
      dataset: 'engine_late_commit',
      writeDisposition: 'append',
    });
    const { workspace, api, dataset } = engine;
    const workers = await startWorkers(workspace, engine.engineUrl, 2, ['--lease-ttl', leaseTtl]);
    const run = workspace.start(engineArgs('run', engine, '--lease-ttl', leaseTtl));
    // The first worker to start a unit is the one stopped.
    const started = workers.map((worker) => unitStarted(worker, 'shop').then((unit) => ({ worker, unit })));
    for (const waiting of started) waiting.catch(() => undefined);
    const { worker: stopped, unit } = await Promise.race(started);
    const other = workers.find((worker) => worker !== stopped);
    if (!other) throw new Error('no second worker');
    // Stop it once it holds the unit's lease and loads its pages: the API was asked for the unit's
    // second page (only this worker asks for it; the plan's probe may have asked for the first).
    const from = Number((unit.split('@')[1] ?? '0-').split('-')[0]) * pageSize;
    await until(() =>
      api.requests.some(
        (request) => Number(new URL(request.url, api.url).searchParams.get('offset')) === from + pageSize,
      ),
    );
    stopped.kill('SIGSTOP');

    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(unitsDone(other)).toContain(unit);
    const before = await rowCounts(dataset);
    expect(before).toEqual({ rows: records, ids: records });

    stopped.kill('SIGCONT');
    await stopped.waitForOutput(new RegExp(`unit ${unit} of pipeline "shop" failed: .*lease`, 'i'), 'stderr');
    expect(await rowCounts(dataset)).toEqual(before);
    expect(unitsDone(stopped)).not.toContain(unit);
  });
});
