import { type ResourceState, resourceStateFormatVersion } from '../contracts/destination';
import { DestinationError } from '../errors';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isoTimestamp(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function invalid(resource: string | undefined, problem: string): DestinationError {
  const which = resource === undefined ? 'a resource' : `resource "${resource}"`;
  return new DestinationError(
    `The stored state of ${which} is not a restsync state document: ${problem}. ` +
      'Delete the stored state of the resource to load it from the start.',
  );
}

/**
 * Reads a stored state document of any format this version of restsync knows and returns it in the
 * current one (`formatVersion: 1`). Destinations call it on what they stored, so each one does not
 * migrate by itself.
 *
 * - A current document comes back as it is, fields this version does not know included.
 * - A 0.x state (`{ resource, status, checkpoint?, loadId, updatedAt }`, no `formatVersion`) gets
 *   `formatVersion: 1`; a `Date` as `updatedAt` becomes its ISO string.
 * - A document from a newer restsync (a higher `formatVersion`), or anything that is not a state,
 *   is a `DestinationError`.
 *
 * @param stored The parsed document (a plain JSON object).
 * @param resource The resource it was stored for, named in errors and used when the document lacks it.
 */
export function migrateResourceState(stored: unknown, resource?: string): ResourceState {
  if (!isObject(stored)) throw invalid(resource, `expected an object, got ${JSON.stringify(stored)}`);
  const formatVersion = stored.formatVersion ?? 0;
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 0) {
    throw invalid(resource, `formatVersion ${JSON.stringify(formatVersion)} is not a version number`);
  }
  if (formatVersion > resourceStateFormatVersion) {
    throw new DestinationError(
      `The stored state of ${resource === undefined ? 'a resource' : `resource "${resource}"`} has format version ` +
        `${formatVersion}, written by a newer restsync (this one reads up to ${resourceStateFormatVersion}). ` +
        'Upgrade restsync to run this pipeline.',
    );
  }
  const name = typeof stored.resource === 'string' ? stored.resource : resource;
  if (name === undefined) throw invalid(resource, 'it names no resource');
  if (stored.status !== 'in_progress' && stored.status !== 'complete') {
    throw invalid(name, `status ${JSON.stringify(stored.status)} is neither "in_progress" nor "complete"`);
  }
  if (typeof stored.loadId !== 'string') throw invalid(name, 'it has no loadId');
  const updatedAt = isoTimestamp(stored.updatedAt);
  if (updatedAt === undefined) throw invalid(name, 'updatedAt is not a timestamp');
  if (stored.checkpoint !== undefined && stored.checkpoint !== null && !isObject(stored.checkpoint)) {
    throw invalid(name, 'checkpoint is not an object');
  }
  const { checkpoint, ...rest } = stored;
  return {
    ...rest,
    formatVersion: resourceStateFormatVersion,
    resource: name,
    status: stored.status,
    loadId: stored.loadId,
    updatedAt,
    ...(isObject(checkpoint) ? { checkpoint } : {}),
  } as ResourceState;
}

/**
 * The next state document of a resource: `previous` (the stored document, so fields the pipeline
 * does not manage, such as incremental cursors and the lease, carry over) with `changes` applied,
 * `formatVersion`, `loadId` and `updatedAt` set. A `checkpoint` absent from `changes` is dropped.
 */
export function nextResourceState(
  previous: ResourceState | undefined,
  changes: Pick<ResourceState, 'resource' | 'status' | 'loadId'> & Partial<ResourceState>,
): ResourceState {
  const { checkpoint: _dropped, ...kept } = previous ?? {};
  return {
    ...kept,
    ...changes,
    formatVersion: resourceStateFormatVersion,
    updatedAt: changes.updatedAt ?? new Date().toISOString(),
  };
}
