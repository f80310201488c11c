import type { DestinationSession, LeaseAttempt, LeaseOwner } from '@restsync/core';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { postgres } from './postgres-destination';

const url = process.env.RESTSYNC_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function withClient<Result>(work: (client: pg.Client) => Promise<Result>): Promise<Result> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function dropAfterwards(dataset: string): void {
  cleanups.push(() =>
    withClient((admin) => admin.query(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`)).then(() => undefined),
  );
}

function owner(runId: string): LeaseOwner {
  return { host: 'test', pid: process.pid, runId, startedAt: new Date().toISOString() };
}

async function openSession(dataset: string): Promise<DestinationSession> {
  const session = await postgres({ url }).open({ pipeline: 'stale', dataset });
  cleanups.push(() => session.close());
  return session;
}

/**
 * A worker stopped in the middle of a batch: its transaction locked the lease row (the fencing
 * check) and started a COPY whose data never comes. No server timeout ends such a COPY.
 */
async function stalledBatch(dataset: string): Promise<{ ended: Promise<unknown> }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(() => client.end().catch(() => undefined));
  await client.query('BEGIN');
  await client.query(`SELECT version FROM "${dataset}"._restsync_leases WHERE pipeline = 'stale' FOR SHARE`);
  await client.query(`CREATE TEMP TABLE stalled (id int)`);
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  const copy = client.query(copyStreams.from('COPY stalled FROM STDIN'));
  copy.write('1\n');
  const ended = new Promise((resolve) => copy.on('error', resolve));
  // The COPY is running once the server reports the session active.
  for (;;) {
    const rows = await withClient((admin) =>
      admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'COPY%'`,
        [pid],
      ),
    );
    if (rows.rowCount) break;
  }
  return { ended };
}

async function acquireUntil(session: DestinationSession, runId: string): Promise<LeaseAttempt> {
  for (;;) {
    const attempt = await session.acquireLease?.({ owner: owner(runId), ttlMs: 60_000 });
    if (!attempt || attempt.acquired) return attempt as LeaseAttempt;
  }
}

describe('postgres lease takeover', () => {
  // Regression: a worker stopped (SIGSTOP) in the middle of a COPY kept the lease row locked, and the
  // worker taking its unit over waited for it forever.
  it('should take over an expired lease whose holder is stuck in a batch, ending that batch', async () => {
    const dataset = `lease_stale_${process.pid}`;
    const stale = await openSession(dataset);
    dropAfterwards(dataset);
    const held = await stale.acquireLease?.({ owner: owner('stopped-worker'), ttlMs: 500 });
    expect(held?.acquired).toBe(true);
    const { ended } = await stalledBatch(dataset);

    const taker = await openSession(dataset);
    const attempt = await acquireUntil(taker, 'other-worker');

    expect(attempt.acquired).toBe(true);
    expect(attempt.acquired && attempt.lease.version).toBe(2);
    // The stuck batch was ended by the server, so none of it can commit.
    expect(String(await ended)).toMatch(/terminat/i);
  });

  it('should report a live lease as held while its holder is in a batch, without waiting for the batch', async () => {
    const dataset = `lease_live_${process.pid}`;
    const holder = await openSession(dataset);
    dropAfterwards(dataset);
    expect((await holder.acquireLease?.({ owner: owner('live-worker'), ttlMs: 600_000 }))?.acquired).toBe(
      true,
    );
    await stalledBatch(dataset);

    const other = await openSession(dataset);
    const attempt = await other.acquireLease?.({ owner: owner('other-worker'), ttlMs: 60_000 });

    expect(attempt?.acquired).toBe(false);
    expect(attempt && !attempt.acquired && attempt.holder.owner.runId).toBe('live-worker');
  });
});
