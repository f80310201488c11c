import { DestinationError, type DestinationSession, LeaseError, type LoadRecord } from '@restsync/core';
import { writeBatch } from './batch-writer';
import { readCatalog } from './catalog';
import { binaryTypesFor } from './copy-binary';
import { CopyBytes } from './copy-bytes';
import { encodePage } from './copy-rows';
import { operationFailed } from './destination-errors';
import { acquireLease } from './lease';
import { completeResource } from './resource-completion';
import { fenceWrites, rememberTables, type SessionContext } from './session-context';
import {
  abandonRunningLoads,
  readLoads,
  readState,
  readStoredSchema,
  recordLoad,
  systemTables,
} from './system-tables';

/** A session over an opened dataset. `release` runs once, on `close()`. */
export function createSession(context: SessionContext, release: () => Promise<void>): DestinationSession {
  let closed = false;
  // The COPY text of the pages the pipeline has this session encode, one after another.
  const pages = new CopyBytes();
  const guard = async <Result>(operation: string, table: string | undefined, work: () => Promise<Result>) => {
    if (closed) {
      throw new DestinationError(`Cannot ${operation}: the destination session is closed. Open a new one.`);
    }
    try {
      return await work();
    } catch (error) {
      if (LeaseError.isInstance(error)) throw error;
      throw operationFailed(error, context.errors, operation, table);
    }
  };
  const record = (operation: string, load: LoadRecord) =>
    guard(operation, systemTables.loads, () =>
      recordLoad(context.client, context.dataset, {
        ...load,
        ...(load.error === undefined ? {} : { error: context.errors.redact(load.error) }),
      }),
    );

  return {
    acquireLease: (request) =>
      guard('acquire the lease', systemTables.leases, async () => {
        const attempt = await acquireLease(context, request);
        if (!attempt.acquired) return attempt;
        const { lease } = attempt;
        context.leaseVersion = lease.version;
        // The run before this one may have added tables since the session opened.
        rememberTables(context, (await readStoredSchema(context.client, context.dataset))?.tables ?? []);
        // The tables as they are now, under the lease: the first pages can be encoded for them (see `encodeRows`).
        context.catalog = await readCatalog(context.client, context.dataset);
        return {
          acquired: true,
          lease: {
            version: lease.version,
            get expiresAt() {
              return lease.expiresAt;
            },
            renew: () => guard('renew the lease', systemTables.leases, () => lease.renew()),
            release: () => lease.release(),
          },
        };
      }),
    readSchema: () =>
      guard('read the stored schema', systemTables.schemas, () =>
        readStoredSchema(context.client, context.dataset),
      ),
    readState: (resource) =>
      guard(`read the state of resource "${resource}"`, systemTables.state, () =>
        readState(context.client, context.dataset, context.pipeline, resource),
      ),
    startLoad: (load) =>
      guard(`record the start of load ${load.loadId}`, systemTables.loads, () =>
        context.client.transaction(async (executor) => {
          await fenceWrites(context, executor);
          await recordLoad(executor, context.dataset, load);
          await abandonRunningLoads(executor, context.dataset, load);
        }),
      ),
    // Each page of a root table as COPY data at once: the pipeline keeps the bytes, not the rows.
    // PGlite gets binary where it can (its worker is the bound; the text parsing was most of a COPY).
    encodeRows: (table, rows) =>
      encodePage(
        pages,
        table,
        rows,
        context.client.embedded ? binaryTypesFor(context.catalog, table) : undefined,
      ),
    write: (batch) => guard('write a batch', undefined, () => writeBatch(context, batch)),
    completeResource: (completion) =>
      guard(`complete resource "${completion.resource}"`, undefined, () =>
        completeResource(context, completion),
      ),
    finishLoad: (load) => record(`record the end of load ${load.loadId}`, load),
    readLoads: (limit) =>
      guard('read the recorded loads', systemTables.loads, () =>
        readLoads(context.client, context.dataset, context.pipeline, limit),
      ),
    async close() {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}
