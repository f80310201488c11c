import { describe, expect, it } from 'vitest';
import {
  engineArgs,
  rowCounts,
  setUpSeedEngine,
  startWorkers,
  unitStarted,
  unitsDone,
} from './engine-helpers';

const apiKey = 'engine-failure-key-4b2e9d';
const records = 20_000;
// Short leases, so a dead or stopped worker's unit moves on in seconds (BullMQ lock and unit lease).
const leaseTtl = '3s';

describe('restsync worker failures (BullMQ on Redis, Postgres)', () => {
  it.for(['append', 'merge'] as const)(
    'should load every row exactly once (%s) when a worker is killed with SIGKILL in the middle of a unit',
    async (writeDisposition, { onTestFinished }) => {
      const engine = await setUpSeedEngine(onTestFinished, {
        apiKey,
        records,
        latencyMs: 40,
        dataset: `engine_${writeDisposition}`,
        writeDisposition,
      });
      const { workspace, dataset } = engine;
      const workers = await startWorkers(workspace, engine.engineUrl, 3, ['--lease-ttl', leaseTtl]);
      const [victim, ...survivors] = workers;
      if (!victim) throw new Error('no worker');
      const run = workspace.start(engineArgs('run', engine, '--lease-ttl', leaseTtl));
      const killed = await unitStarted(victim, 'shop');
      victim.kill('SIGKILL');

      const result = await run.exited;
      expect(result.code, result.stderr).toBe(0);
      expect(await rowCounts(dataset)).toEqual({ rows: records, ids: records });
      // The killed worker's unit was picked up again by another worker.
      expect(survivors.flatMap(unitsDone)).toContain(killed);
    },
  );
});
