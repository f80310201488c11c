import {
  type Lease,
  type LeaseAttempt,
  type LeaseHolder,
  type LeaseOwner,
  type LeaseRequest,
  leaseTakenOverError,
} from '@restsync/core';
import { qualifiedName } from './identifier';
import type { SqlClient, SqlExecutor } from './sql-client';
import { systemTables } from './system-tables';

interface LeaseRow {
  owner: LeaseOwner | string;
  version: number | string;
  expires_at: Date | string;
}

/** Where a session's lease lives: one row per pipeline in the dataset's `_restsync_leases`. */
export interface LeaseTarget {
  client: SqlClient;
  dataset: string;
  pipeline: string;
}

function holderOf(row: LeaseRow): LeaseHolder {
  return {
    owner: typeof row.owner === 'string' ? (JSON.parse(row.owner) as LeaseOwner) : row.owner,
    version: Number(row.version),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

async function readHolder(executor: SqlExecutor, target: LeaseTarget): Promise<LeaseHolder | undefined> {
  const rows = await executor.query<LeaseRow>(
    `SELECT owner, version, expires_at FROM ${qualifiedName(target.dataset, systemTables.leases)} WHERE pipeline = $1`,
    [target.pipeline],
  );
  return rows[0] ? holderOf(rows[0]) : undefined;
}

async function takenOver(target: LeaseTarget, version: number) {
  const holder = await readHolder(target.client, target).catch(() => undefined);
  return leaseTakenOverError({
    pipeline: target.pipeline,
    dataset: target.dataset,
    version,
    ...(holder ? { holder } : {}),
  });
}

/** Sets the lease's expiry `ttlMs` from now (the server's clock) while it still has `version`. */
async function extend(target: LeaseTarget, version: number, ttlMs: number): Promise<string | undefined> {
  const rows = await target.client.query<{ expires_at: Date | string }>(
    `UPDATE ${qualifiedName(target.dataset, systemTables.leases)}
     SET expires_at = clock_timestamp() + $3::double precision * interval '1 millisecond'
     WHERE pipeline = $1 AND version = $2 RETURNING expires_at`,
    [target.pipeline, version, ttlMs],
  );
  return rows[0] ? new Date(rows[0].expires_at).toISOString() : undefined;
}

/** How long a takeover waits for the lease row's lock before it looks at who holds it. */
const takeoverLockWaitMs = 1000;

/** SQLSTATE `lock_not_available`: `lock_timeout` ran out. */
function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}

/**
 * One attempt at the lease, in one statement: insert the row, or take it over when it expired or
 * the same run holds it (the version grows by one), by the server's clock so hosts need not agree
 * on the time. A row locked by the holder's running batch (see `fenceLease`) makes it wait for that
 * batch's commit, for at most a second at a time. When the lease has expired and the lock is still
 * held, the holder's transaction is a stale worker's (stopped, or cut off in the middle of a COPY,
 * which no server timeout ends): its session is terminated, so its batch rolls back and the takeover
 * goes on; its late commit is refused by the fencing check.
 */
export async function acquireLease(target: LeaseTarget, request: LeaseRequest): Promise<LeaseAttempt> {
  const table = qualifiedName(target.dataset, systemTables.leases);
  for (;;) {
    let rows: LeaseRow[];
    try {
      rows = await target.client.transaction(async (executor) => {
        await executor.query(`SET LOCAL lock_timeout = ${takeoverLockWaitMs}`);
        return executor.query<LeaseRow>(
          `INSERT INTO ${table} AS lease (pipeline, dataset, owner, version, acquired_at, expires_at)
           VALUES ($1, $2, $3::jsonb, 1, clock_timestamp(),
                   clock_timestamp() + $4::double precision * interval '1 millisecond')
           ON CONFLICT (pipeline) DO UPDATE SET owner = EXCLUDED.owner, version = lease.version + 1,
             acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
           WHERE lease.expires_at <= clock_timestamp() OR lease.owner ->> 'runId' = $5
           RETURNING owner, version, expires_at`,
          [
            target.pipeline,
            target.dataset,
            JSON.stringify(request.owner),
            request.ttlMs,
            request.owner.runId,
          ],
        );
      });
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      // A live holder's batch is still running: the lease is held. An expired holder's is ended.
      if (await endStaleHolder(target)) continue;
      const holder = await readHolder(target.client, target);
      if (holder) return { acquired: false, holder };
      continue;
    }
    if (rows[0]) return { acquired: true, lease: heldLease(target, holderOf(rows[0]), request.ttlMs) };
    const holder = await readHolder(target.client, target);
    // The row was deleted between the two statements: try again.
    if (holder) return { acquired: false, holder };
  }
}

/**
 * Terminates the session whose open transaction locks the lease row when the lease has expired (by
 * the server's clock): the row's `xmax` names the locking transaction. Returns whether a session
 * was terminated. Terminating a session of another role needs the `pg_signal_backend` role; without
 * it the lease reads as held, and the caller tries again until that transaction ends.
 */
async function endStaleHolder(target: LeaseTarget): Promise<boolean> {
  const rows = await target.client
    .query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(activity.pid) AS terminated
       FROM ${qualifiedName(target.dataset, systemTables.leases)} lease
       JOIN pg_stat_activity activity ON activity.backend_xid = lease.xmax AND activity.pid <> pg_backend_pid()
       WHERE lease.pipeline = $1 AND lease.expires_at <= clock_timestamp()`,
      [target.pipeline],
    )
    .catch(() => []);
  return rows.some((row) => row.terminated);
}

function heldLease(target: LeaseTarget, holder: LeaseHolder, ttlMs: number): Lease {
  let expiresAt = holder.expiresAt;
  return {
    version: holder.version,
    get expiresAt() {
      return expiresAt;
    },
    async renew() {
      const extended = await extend(target, holder.version, ttlMs);
      if (extended === undefined) throw await takenOver(target, holder.version);
      expiresAt = extended;
    },
    async release() {
      await extend(target, holder.version, 0).catch(() => undefined);
    },
  };
}

/**
 * The fencing check, first in a transaction that writes data or state: locks the lease row (a
 * takeover waits for this transaction, or ends it once the lease expired) and throws a `LeaseError` when the stored version is no
 * longer `version`: another run took the lease over.
 */
export async function fenceLease(executor: SqlExecutor, target: LeaseTarget, version: number): Promise<void> {
  const rows = await executor.query<LeaseRow>(
    `SELECT owner, version, expires_at FROM ${qualifiedName(target.dataset, systemTables.leases)}
     WHERE pipeline = $1 FOR SHARE`,
    [target.pipeline],
  );
  const stored = rows[0] ? holderOf(rows[0]) : undefined;
  if (stored?.version === version) return;
  throw leaseTakenOverError({
    pipeline: target.pipeline,
    dataset: target.dataset,
    version,
    ...(stored ? { holder: stored } : {}),
  });
}
