import { describe, expect, it } from 'vitest';
import { dumpKeys, engineArgs, rowCounts, setUpSeedEngine, startWorkers, unitsDone } from './engine-helpers';

const apiKey = 'engine-key-7f3a91c4d2';
// The partitioned 100 000-row merge run.
const records = 100_000;

describe('restsync run --engine with restsync worker (BullMQ on Redis, Postgres)', () => {
  it('should load a partitioned merge run on 3 workers exactly once, and leave no secret in Redis', async ({
    onTestFinished,
  }) => {
    const engine = await setUpSeedEngine(onTestFinished, {
      apiKey,
      records,
      latencyMs: 2,
      dataset: 'engine_scale',
    });
    const { workspace, prefix, dataset } = engine;
    const workers = await startWorkers(workspace, engine.engineUrl, 3, ['--concurrency', '2']);

    const run = await workspace.run(engineArgs('run', engine, '--json'));
    expect(run.stderr).not.toContain(apiKey);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      status: string;
      resources: Record<string, { rows: number; inserted?: number; updated?: number }>;
    };
    expect(result.status).toBe('succeeded');
    expect(result.resources.resource_name?.rows).toBe(records);
    // The units' write counts add up as in a local run: a first load inserts every row.
    expect(result.resources.resource_name).toMatchObject({ inserted: records, updated: 0 });
    expect(await rowCounts(dataset)).toEqual({ rows: records, ids: records });

    // 1 000 pages of 100 in ranges of 20 pages: 50 units, each done once, spread over the workers.
    const done = workers.flatMap(unitsDone);
    expect(done).toHaveLength(50);
    expect(new Set(done).size).toBe(50);
    expect(workers.filter((worker) => unitsDone(worker).length > 0).length).toBeGreaterThan(1);

    // Jobs carry the config with secret names; each worker read API_KEY from its own environment.
    const stored = await dumpKeys(prefix);
    expect(stored.keys.length).toBeGreaterThan(0);
    expect(stored.text.replaceAll('\\"', '"')).toContain('"api_key":{"secret":"api_key"}');
    expect(stored.text.includes(apiKey)).toBe(false);

    for (const worker of workers) worker.kill('SIGTERM');
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
  });
});
