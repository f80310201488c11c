import type { PaginatorCheckpoint, PaginatorInstance } from '@restsync/core';

/**
 * The instance's checkpoint as the engine stores it (a JSON round trip), or an error that says
 * what is wrong with `checkpoint()`: missing, returning nothing, or returning something that is
 * not a JSON object. Without this, a bad checkpoint surfaced later as a TypeError inside the
 * paginator's own `resume()`.
 */
export function storedCheckpoint(instance: PaginatorInstance): PaginatorCheckpoint {
  if (typeof instance.checkpoint !== 'function') {
    throw new Error(
      'supportsCheckpoint is set but checkpoint() is missing: implement checkpoint() and resume(), or drop supportsCheckpoint',
    );
  }
  const checkpoint: unknown = instance.checkpoint();
  if (checkpoint === undefined || checkpoint === null) {
    throw new Error(
      `checkpoint() returned ${String(checkpoint)} after the first page: return a JSON object that says where to continue (e.g. { offset: 100 }), which resume() receives`,
    );
  }
  if (typeof checkpoint !== 'object' || Array.isArray(checkpoint)) {
    throw new Error(
      `checkpoint() returned ${JSON.stringify(checkpoint)} after the first page: return a JSON object such as { offset: 100 }, which resume() receives`,
    );
  }
  return JSON.parse(JSON.stringify(checkpoint)) as PaginatorCheckpoint;
}
