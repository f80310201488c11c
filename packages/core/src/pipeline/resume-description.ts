import type { IncrementalCursor, ResourceState } from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** `page 3`, `offset 300`, `cursor "abc"`: a paginator checkpoint as a position. */
function describeCheckpoint(checkpoint: PaginatorCheckpoint): string {
  const parts = Object.entries(checkpoint).map(([key, value]) => `${key} ${describeValue(value)}`);
  return parts.length === 0 ? 'its last committed page' : parts.join(', ');
}

/** `cursor updated_at 2024-05-01T00:00:00Z`: where an incremental cursor makes the run start. */
function describeCursor(cursor: IncrementalCursor): string | undefined {
  // An interrupted incremental run starts again where that run began.
  const value = cursor.runStart ? cursor.runStart.value : cursor.lastValue;
  if (value === undefined || value === null) return undefined;
  return `cursor ${cursor.cursorPath} ${describeValue(value)}`;
}

/**
 * Where a run continues a resource from its stored state, for the `resume` event, or undefined
 * when it starts from the beginning: `page 3 (load 1733… interrupted)`, `cursor updated_at 2024-…
 * (stored by load 1733…)`, `the stored cursors of 3 parent records (…)`.
 */
export function describeResume(
  state: ResourceState | undefined,
  checkpoint: PaginatorCheckpoint | undefined,
): string | undefined {
  if (state === undefined) return undefined;
  const interrupted = state.status === 'in_progress';
  const load = interrupted ? `load ${state.loadId} interrupted` : `stored by load ${state.loadId}`;
  if (checkpoint !== undefined) return `${describeCheckpoint(checkpoint)} (${load})`;
  const cursors = Object.entries(state.incremental?.cursors ?? {});
  const root = cursors.length === 1 && cursors[0]?.[0] === '' ? cursors[0][1] : undefined;
  if (root !== undefined) {
    const where = describeCursor(root);
    if (where !== undefined) return `${where} (${load})`;
  }
  if (cursors.length > 1) return `the stored cursors of ${cursors.length} parent records (${load})`;
  return undefined;
}
