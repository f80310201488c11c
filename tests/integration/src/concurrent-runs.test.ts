import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { type GatedProxy, startGatedProxy } from './cli-helpers/gated-proxy';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { uniqueDataset } from './cli-helpers/test-database';
import { type CliWorkspace, createWorkspace } from './cli-helpers/workspace';
import { query, rowCounts, serverUrl } from './engine-helpers';

// Two processes load into one database at once: a Postgres server (PGlite allows one process).
const apiKey = 'lease-key-5c81f0a2';
const records = 8_000;

async function loadStatuses(schema: string): Promise<string[]> {
  const rows = await query<{ status: string }>(
    `select status from "${schema}"."_restsync_loads" order by started_at`,
  );
  return rows.map((row) => row.status);
}

/**
 * A run that is certainly in the middle of its load: the proxy forwards 60 pages (the first 5,000-row
 * batch commits), then holds every request until `proxy.release()`.
 */
async function setUp(
  onTestFinished: (handler: OnTestFinishedHandler) => void,
  writeDisposition: 'replace' | 'merge',
): Promise<{ workspace: CliWorkspace; proxy: GatedProxy; args: string[]; name: string }> {
  const workspace = await createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
  const api = await workspace.startApi({ records, apiKey, latencyMs: 5 });
  const proxy = await startGatedProxy(api.url, 60);
  onTestFinished(() => proxy.close());
  const source = seedSource(proxy.url);
  source.resource_defaults.write_disposition = writeDisposition;
  const config = await writeConfig(workspace.directory, 'sync.json', { pipeline: { name: 'shop' }, source });
  const name = uniqueDataset(`cli_lease_${writeDisposition}`);
  onTestFinished(async () => {
    await query(`drop schema if exists "${name}" cascade`);
  });
  return { workspace, proxy, args: ['run', config, '--destination', serverUrl, '--dataset', name], name };
}

describe('two runs of one pipeline at once (CLI child processes, Postgres)', () => {
  // Regression: two `replace` runs started together both loaded: 65,000 rows for 50,000 ids, or a
  // "succeeded" run that left 30,000, while the other failed on a missing staging table.
  it('should fail the second replace run with exit 1 naming the holder, and the first should load every row once', async ({
    onTestFinished,
  }) => {
    const { workspace, proxy, args, name } = await setUp(onTestFinished, 'replace');

    const first = workspace.start(args);
    await first.waitForOutput(/batch committed {2}5,000 rows/, 'stderr');
    const second = await workspace.run(args);

    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toContain('restsync: sync failed (lease): Pipeline "shop" on dataset');
    expect(second.stderr).toContain('is already running');
    expect(second.stderr).toMatch(
      new RegExp(`held by host \\S+, pid ${first.child.pid}, run \\S+, started at \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(second.stdout + second.stderr).not.toContain(apiKey);

    proxy.release();
    const firstResult = await first.exited;

    expect(firstResult.code, firstResult.stderr).toBe(0);
    expect(await rowCounts(name)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(name)).toEqual(['succeeded']);
  });

  // Regression: two `merge` runs both "succeeded", and the later one resumed from the other's checkpoint.
  it('should make a second merge run with --wait wait for the first, then load the whole source itself', async ({
    onTestFinished,
  }) => {
    const { workspace, proxy, args, name } = await setUp(onTestFinished, 'merge');

    const first = workspace.start(args);
    await first.waitForOutput(/batch committed {2}5,000 rows/, 'stderr');
    const second = workspace.start([...args, '--wait', '10m']);
    await second.waitForOutput(/waiting up to 600 s for the run of pipeline "shop"/, 'stderr');
    proxy.release();
    const [firstResult, secondResult] = await Promise.all([first.exited, second.exited]);

    expect(firstResult.code, firstResult.stderr).toBe(0);
    expect(secondResult.code, secondResult.stderr).toBe(0);
    expect(secondResult.stderr).toContain(`pid ${first.child.pid}`);
    // It started after the first run completed: from the start, not from the first run's checkpoint.
    expect(secondResult.stdout).toMatch(/resource_name\s+8,000\s+80/);
    expect(await rowCounts(name)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(name)).toEqual(['succeeded', 'succeeded']);
  });

  // Regression: nothing stopped a second run while a first one was loading; a lease must not block
  // forever either: the lease of a killed run expires and the next run takes over.
  it('should let the next run take over the lease of a kill -9ed run once it expires, and load exactly every row', async ({
    onTestFinished,
  }) => {
    const { workspace, proxy, args, name } = await setUp(onTestFinished, 'merge');
    // Renewed every ~7 s: when the run is killed its lease still has at least 13 s to go, so the next
    // run, started right away, finds it held and waits for it to expire.
    const shortLease = [...args, '--lease-ttl', '20s'];

    const killed = workspace.start(shortLease);
    await killed.waitForOutput(/batch committed {2}5,000 rows/, 'stderr');
    killed.kill('SIGKILL');
    const killedResult = await killed.exited;
    expect(killedResult.signal).toBe('SIGKILL');
    proxy.release();

    const next = workspace.start([...shortLease, '--wait', '5m']);
    await next.waitForOutput(
      new RegExp(`waiting up to 300 s for the run .*pid ${killed.child.pid}`),
      'stderr',
    );
    const nextResult = await next.exited;

    expect(nextResult.code, nextResult.stderr).toBe(0);
    const leases = await query<{ version: string; pid: number }>(
      `select version::text, (owner->>'pid')::int as pid from "${name}"."_restsync_leases"`,
    );
    expect(leases).toEqual([{ version: '2', pid: next.child.pid }]);
    expect(await rowCounts(name)).toEqual({ rows: records, ids: records });
    expect(await loadStatuses(name)).toEqual(['abandoned', 'succeeded']);
  });
});
