import type { Destination, ResourceState } from '../contracts/destination';
import { createEventBus, type EventListener } from '../events';
import { createLoadId } from './load-id';
import { migrateResourceState } from './resource-state';
import { currentLeaseOwner, holdRunLease, type LeaseOptions, resolveLeaseOptions } from './run-lease';

/** Where a pipeline's state is stored: the destination, the pipeline and the dataset. */
export interface StoredStateTarget extends LeaseOptions {
  destination: Destination;
  pipeline: string;
  dataset: string;
  /** Receives warnings (a destination without leases). */
  onEvent?: EventListener;
}

/**
 * The stored state document of each resource (older formats migrated); `undefined` for a resource
 * with no state yet. Reads only: no lease is taken.
 */
export async function readStoredStates(
  target: StoredStateTarget,
  resources: readonly string[],
): Promise<Map<string, ResourceState | undefined>> {
  const session = await target.destination.open({ pipeline: target.pipeline, dataset: target.dataset });
  try {
    const states = new Map<string, ResourceState | undefined>();
    for (const resource of resources) {
      const stored = await session.readState(resource);
      states.set(resource, stored === undefined ? undefined : migrateResourceState(stored, resource));
    }
    return states;
  } finally {
    await session.close();
  }
}

/**
 * Clears a resource's stored state: its incremental cursors, checkpoint and per-parent progress.
 * The next run reads the resource from its start (`initial_value`). Holds the pipeline's lease
 * while writing, so it never runs during a load.
 */
export async function resetStoredState(target: StoredStateTarget, resource: string): Promise<void> {
  const startedAt = Date.now();
  const loadId = createLoadId(startedAt);
  const events = createEventBus({ listeners: target.onEvent ? [target.onEvent] : [] });
  const session = await target.destination.open({ pipeline: target.pipeline, dataset: target.dataset });
  try {
    const lease = await holdRunLease(session, {
      ...resolveLeaseOptions(target),
      pipeline: target.pipeline,
      dataset: target.dataset,
      destination: target.destination.description,
      owner: currentLeaseOwner(loadId, startedAt),
      events,
    });
    if (lease === 'cancelled') return;
    try {
      await session.write({
        loadId,
        tables: [],
        states: [
          {
            formatVersion: 1,
            resource,
            status: 'complete',
            loadId,
            updatedAt: new Date(startedAt).toISOString(),
          },
        ],
      });
    } finally {
      await lease.release();
    }
  } finally {
    await session.close();
  }
}
