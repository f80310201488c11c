import { DestinationError } from '@restsync/core';

/** Where one dataset lives: a database, and a prefix for every collection name in it. */
export interface DatasetLayout {
  database: string;
  /** `''` when the dataset is the database; `<dataset>_` when `database` was set. */
  prefix: string;
}

const invalidDatabaseCharacters = /[/\\. "$*<>:|?]/;
const maximumDatabaseNameBytes = 63;

/**
 * The dataset is the database, unless `database` is set: then every collection of the dataset
 * (data and `_restsync_*` system collections alike) is prefixed `<dataset>_`, so several
 * datasets can share one database.
 */
export function datasetLayout(dataset: string, database: string | undefined): DatasetLayout {
  if (database !== undefined) return { database, prefix: `${dataset}_` };
  if (
    dataset.length === 0 ||
    invalidDatabaseCharacters.test(dataset) ||
    dataset.includes('\u0000') ||
    Buffer.byteLength(dataset) > maximumDatabaseNameBytes
  ) {
    throw new DestinationError(
      `Dataset "${dataset}" cannot be a MongoDB database name (at most ${maximumDatabaseNameBytes} bytes, ` +
        'none of / \\ . " $ * < > : | ? or spaces). Rename the dataset, or set the `database` option to ' +
        'write into one database with `<dataset>_`-prefixed collections.',
    );
  }
  return { database: dataset, prefix: '' };
}

export const systemCollections = {
  state: '_restsync_state',
  loads: '_restsync_loads',
  schemas: '_restsync_schemas',
  leases: '_restsync_leases',
} as const;

/** The staging collection a `replace` table is written to during a run. */
export function stagingCollection(collection: string, loadId: string): string {
  return `${stagingPrefix(collection)}${loadId}`;
}

/** The prefix shared by every staging collection of `collection` (to clean up old runs). */
export function stagingPrefix(collection: string): string {
  return `${collection}__restsync_tmp_`;
}
