import { describe, expect, it } from 'vitest';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';
import { enginePrefix, rowCounts, serverUrl, startWorkers, unitsDone } from './engine-helpers';

const apiKey = 'engine-failure-key-4b2e9d';
const records = 20_000;
// Short leases, so a dead or stopped worker's unit moves on in seconds (BullMQ lock and unit lease).
const leaseTtl = '3s';

async function setUp(
  onTestFinished: (cleanup: () => Promise<void>) => void,
  writeDisposition: 'append' | 'merge',
  latencyMs: number,
) {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const { engineUrl } = enginePrefix(onTestFinished);
  const api = await workspace.startApi({ records, apiKey, latencyMs });
  const source = seedSource(api.url);
  source.resource_defaults.write_disposition = writeDisposition;
  const config = await writeConfig(workspace.directory, 'sync.json', { pipeline: { name: 'shop' }, source });
  const dataset = workspace.dataset(`engine_${writeDisposition}`);
  return { workspace, engineUrl, config, dataset };
}

function startedUnit(stderr: string): string | undefined {
  return /unit (\S+) of pipeline "shop" started/.exec(stderr)?.[1];
}

describe('restsync worker failures (BullMQ on Redis, Postgres)', () => {
  it.for(['append', 'merge'] as const)(
    'should load every row exactly once (%s) when a worker is killed with SIGKILL in the middle of a unit',
    async (writeDisposition, { onTestFinished }) => {
      const { workspace, engineUrl, config, dataset } = await setUp(onTestFinished, writeDisposition, 40);
      const workers = await startWorkers(workspace, engineUrl, 3, ['--lease-ttl', leaseTtl]);
      const [victim, ...survivors] = workers;
      if (!victim) throw new Error('no worker');
      const run = workspace.start([
        'run',
        config,
        '--engine',
        engineUrl,
        '--destination',
        serverUrl,
        '--dataset',
        dataset,
        '--lease-ttl',
        leaseTtl,
      ]);
      await victim.waitForOutput(/unit \S+ of pipeline "shop" started/, 'stderr');
      const killed = startedUnit(victim.stderr());
      victim.kill('SIGKILL');

      const result = await run.exited;
      expect(result.code, result.stderr).toBe(0);
      expect(await rowCounts(dataset)).toEqual({ rows: records, ids: records });
      // The killed worker's unit was picked up again by another worker.
      expect(survivors.flatMap(unitsDone)).toContain(killed);
    },
  );
});
