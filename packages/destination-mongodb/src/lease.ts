import { randomUUID } from 'node:crypto';
import {
  type Lease,
  type LeaseAttempt,
  type LeaseHolder,
  type LeaseOwner,
  type LeaseRequest,
  leaseTakenOverError,
} from '@restsync/core';
import type { ClientSession, Collection } from 'mongodb';

/** The lease document of one pipeline in the dataset's `_restsync_leases`. */
interface LeaseDocument {
  _id: string;
  pipeline: string;
  dataset: string;
  owner: LeaseOwner;
  /** The fencing token: grows by one with every acquire. */
  version: number;
  /** Unique per acquire: tells this attempt's write from a concurrent one. */
  token: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/** The leases of one session's pipeline; `fence` runs before (or inside the transaction of) every write. */
export interface MongodbLeases {
  acquire(request: LeaseRequest): Promise<LeaseAttempt>;
  /** Throws a `LeaseError` when this session holds a lease that another run took over. */
  fence(session: ClientSession | undefined): Promise<void>;
}

function holderOf(document: LeaseDocument): LeaseHolder {
  return {
    owner: document.owner,
    version: document.version,
    expiresAt: new Date(document.expiresAt).toISOString(),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}

/**
 * Leases as documents keyed by pipeline. An acquire is one conditional upsert: it matches only an
 * expired lease or one the same run holds, so on a lease held by another run the upsert collides
 * with the existing `_id` (duplicate key) and changes nothing. Expiry uses this host's clock: keep
 * `leaseTtlMs` well above the clock skew between the hosts that run the pipeline.
 */
export function mongodbLeases(
  collection: Collection<LeaseDocument>,
  target: { pipeline: string; dataset: string },
): MongodbLeases {
  const { pipeline, dataset } = target;
  let heldVersion: number | undefined;

  const current = async () => {
    const document = await collection.findOne({ _id: pipeline });
    return document ? holderOf(document) : undefined;
  };
  const takenOver = async (version: number) => {
    const holder = await current().catch(() => undefined);
    return leaseTakenOverError({ pipeline, dataset, version, ...(holder ? { holder } : {}) });
  };
  const extend = async (version: number, ttlMs: number) => {
    const expiresAt = new Date(Date.now() + ttlMs);
    const result = await collection.updateOne({ _id: pipeline, version }, { $set: { expiresAt } });
    return result.matchedCount === 1 ? expiresAt.toISOString() : undefined;
  };

  const heldLease = (holder: LeaseHolder, ttlMs: number): Lease => {
    let expiresAt = holder.expiresAt;
    return {
      version: holder.version,
      get expiresAt() {
        return expiresAt;
      },
      async renew() {
        const extended = await extend(holder.version, ttlMs);
        if (extended === undefined) throw await takenOver(holder.version);
        expiresAt = extended;
      },
      async release() {
        await extend(holder.version, 0).catch(() => undefined);
      },
    };
  };

  const acquire = async ({ owner, ttlMs }: LeaseRequest): Promise<LeaseAttempt> => {
    const now = new Date();
    const token = randomUUID();
    try {
      await collection.updateOne(
        { _id: pipeline, $or: [{ expiresAt: { $lte: now } }, { 'owner.runId': owner.runId }] },
        {
          $set: {
            pipeline,
            dataset,
            owner,
            token,
            acquiredAt: now,
            expiresAt: new Date(now.getTime() + ttlMs),
          },
          $inc: { version: 1 },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const stored = await collection.findOne({ _id: pipeline });
    // The document was deleted between the two commands: try again.
    if (!stored) return acquire({ owner, ttlMs });
    if (stored.token !== token) return { acquired: false, holder: holderOf(stored) };
    heldVersion = stored.version;
    return { acquired: true, lease: heldLease(holderOf(stored), ttlMs) };
  };

  return {
    acquire,

    async fence(session) {
      if (heldVersion === undefined) return;
      // A write to the lease document: inside a transaction, a concurrent takeover conflicts with it.
      const result = await collection.updateOne(
        { _id: pipeline, version: heldVersion },
        { $set: { fencedAt: new Date() } },
        session === undefined ? {} : { session },
      );
      if (result.matchedCount !== 1) throw await takenOver(heldVersion);
    },
  };
}
