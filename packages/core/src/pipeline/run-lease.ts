import { hostname } from 'node:os';
import type { DestinationSession, Lease, LeaseHolder, LeaseOwner } from '../contracts/destination';
import { ConfigError, describeLeaseHolder, LeaseError } from '../errors';
import type { EventBus } from '../events';

/** How long a run waits for the lease and how long the lease lasts. */
export interface LeaseOptions {
  /**
   * How long a run waits for another run of the same pipeline and dataset to finish, in milliseconds;
   * 0 fails at once. @default 0
   */
  lockTimeoutMs?: number;
  /**
   * How long the run's lease lasts unless renewed, in milliseconds. The run renews it every third of
   * this; the lease of a killed run expires this long after its last renewal, and the next run takes
   * over. @default 30_000
   */
  leaseTtlMs?: number;
}

/** 30 s: a killed run blocks the next one for at most this long; renewed every 10 s. */
export const defaultLeaseTtlMs = 30_000;

/** Fills in the defaults and checks the values. */
export function resolveLeaseOptions(options: LeaseOptions): Required<LeaseOptions> {
  const resolved = {
    lockTimeoutMs: options.lockTimeoutMs ?? 0,
    leaseTtlMs: options.leaseTtlMs ?? defaultLeaseTtlMs,
  };
  const issues = [];
  if (!(Number.isFinite(resolved.lockTimeoutMs) && resolved.lockTimeoutMs >= 0)) {
    issues.push({ path: 'lockTimeoutMs', message: `must be a number >= 0, got ${resolved.lockTimeoutMs}` });
  }
  if (!(Number.isFinite(resolved.leaseTtlMs) && resolved.leaseTtlMs >= 100)) {
    issues.push({ path: 'leaseTtlMs', message: `must be a number >= 100, got ${resolved.leaseTtlMs}` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}

/** The run's owner record: this host and process. */
export function currentLeaseOwner(runId: string, startedAt: number): LeaseOwner {
  return { host: hostname(), pid: process.pid, runId, startedAt: new Date(startedAt).toISOString() };
}

/** A lease the run holds, renewed in the background until `release`. */
export interface HeldRunLease {
  /** True when another run held the lease first and this run waited for it. */
  readonly waited: boolean;
  /** Stops the heartbeat and gives the lease up. Never throws. */
  release(): Promise<void>;
}

export interface HoldRunLeaseOptions extends Required<LeaseOptions> {
  pipeline: string;
  dataset: string;
  destination: string;
  owner: LeaseOwner;
  events: EventBus;
  signal?: AbortSignal | undefined;
}

/** The longest pause between two attempts while waiting for a lease. */
const maxPollIntervalMs = 1_000;

/**
 * Acquires the lease of the pipeline and dataset, waiting up to `lockTimeoutMs` for the run holding
 * it, then renews it every third of `leaseTtlMs` until released. Resolves `cancelled` when `signal`
 * aborts while waiting; throws a `LeaseError` naming the pipeline and the holder when the wait ends
 * without the lease. A destination without leases gets a warning and no lease.
 */
export async function holdRunLease(
  session: DestinationSession,
  options: HoldRunLeaseOptions,
): Promise<HeldRunLease | 'cancelled'> {
  if (!session.acquireLease) {
    options.events.emit({
      type: 'log',
      level: 'warn',
      message:
        `destination ${options.destination} has no leases: nothing stops another run of pipeline ` +
        `"${options.pipeline}" on dataset "${options.dataset}" from loading at the same time`,
    });
    return { waited: false, release: async () => undefined };
  }
  const request = { owner: options.owner, ttlMs: options.leaseTtlMs };
  const deadline = Date.now() + options.lockTimeoutMs;
  let announced = false;
  for (;;) {
    const attempt = await session.acquireLease(request);
    if (attempt.acquired) return heartbeat(attempt.lease, options, announced);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw leaseHeldError(options, attempt.holder);
    if (!announced) {
      announced = true;
      options.events.emit({
        type: 'lease_wait',
        pipeline: options.pipeline,
        dataset: options.dataset,
        holder: attempt.holder,
        waitMs: options.lockTimeoutMs,
        message: `waiting up to ${seconds(options.lockTimeoutMs)} for ${holderText(options, attempt.holder)} to finish`,
      });
    }
    if (!(await pause(Math.min(remaining, maxPollIntervalMs), options.signal))) return 'cancelled';
  }
}

function seconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 100) / 10} s`;
}

function holderText(options: HoldRunLeaseOptions, holder: LeaseHolder): string {
  return `the run of pipeline "${options.pipeline}" on dataset "${options.dataset}" holding its lease (${describeLeaseHolder(holder)})`;
}

function leaseHeldError(options: HoldRunLeaseOptions, holder: LeaseHolder): LeaseError {
  const waited = options.lockTimeoutMs > 0 ? ` after waiting ${seconds(options.lockTimeoutMs)}` : '';
  return new LeaseError(
    `Pipeline "${options.pipeline}" on dataset "${options.dataset}" is already running${waited}: ` +
      `its lease is held by ${describeLeaseHolder(holder)}, until ${holder.expiresAt} unless renewed. ` +
      'Wait for that run to finish (--wait <duration> or lockTimeoutMs waits for it); ' +
      'if its process is gone, its lease expires and the next run takes over.',
    { pipeline: options.pipeline, dataset: options.dataset, holder },
  );
}

/** Resolves true after `milliseconds`, or false as soon as `signal` aborts. */
function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Renews `lease` every third of the TTL, so two renewals can fail (a lost connection) before it
 * expires. A takeover ends the heartbeat: the session's next write is refused by the fencing check.
 */
function heartbeat(lease: Lease, options: HoldRunLeaseOptions, waited: boolean): HeldRunLease {
  const intervalMs = Math.max(1, Math.floor(options.leaseTtlMs / 3));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let renewing: Promise<void> | undefined;
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      renewing = renew();
    }, intervalMs);
    // The heartbeat alone never keeps the process alive.
    timer.unref?.();
  };
  const renew = async () => {
    try {
      await lease.renew();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (LeaseError.isInstance(error)) {
        stopped = true;
        options.events.emit({ type: 'log', level: 'error', message });
        return;
      }
      options.events.emit({
        type: 'log',
        level: 'warn',
        message: `could not renew the lease of pipeline "${options.pipeline}" (trying again in ${seconds(intervalMs)}): ${message}`,
      });
    }
    if (!stopped) schedule();
  };
  schedule();
  return {
    waited,
    async release() {
      stopped = true;
      clearTimeout(timer);
      await renewing;
      await lease.release().catch(() => undefined);
    },
  };
}
