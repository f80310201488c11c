import type { Destination } from '@restsync/core';

export interface FailingDestinationOptions {
  /** The `session.write` call (1-based, counted over every session) that throws instead of writing. */
  failOnWrite: number;
}

/** The message of the injected failure. */
export const injectedWriteFailure = 'injected failure: the process died before this batch was committed';

/**
 * Wraps a destination so one `session.write` throws without writing anything, as if the process
 * had been killed between two batches. Every other call goes to the real destination.
 */
export function failingDestination(
  destination: Destination,
  options: FailingDestinationOptions,
): Destination {
  let writes = 0;
  return {
    kind: destination.kind,
    specificationVersion: destination.specificationVersion,
    type: destination.type,
    capabilities: destination.capabilities,
    description: destination.description,
    async open(openOptions) {
      const session = await destination.open(openOptions);
      return {
        ...session,
        readSchema: () => session.readSchema(),
        readState: (resource) => session.readState(resource),
        startLoad: (load) => session.startLoad(load),
        async write(batch) {
          writes += 1;
          if (writes === options.failOnWrite) throw new Error(injectedWriteFailure);
          await session.write(batch);
        },
        completeResource: (completion) => session.completeResource(completion),
        finishLoad: (load) => session.finishLoad(load),
        close: () => session.close(),
      };
    },
  };
}
