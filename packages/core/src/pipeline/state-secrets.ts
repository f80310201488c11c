import type {
  DestinationSession,
  IncrementalCursor,
  ParentPosition,
  ResourceState,
} from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { EventBus } from '../events';
import { urlWithoutSecrets } from '../http/credentials';
import type { Redactor } from '../redact';

/** A part of a state document left out because it held a secret. */
export interface RemovedStatePart {
  /** Where it was: `checkpoint`, `incremental.cursors[""]`, `parents["<key>"].checkpoint`, or a field name. */
  path: string;
  /** What it was, in words: `the paginator checkpoint`, `the incremental cursor`, ... */
  what: string;
  /** What the next run does without it. */
  consequence: string;
}

/** A state document that holds no registered secret, and what was left out to make it so. */
export interface SecretFreeState {
  state: ResourceState;
  removed: RemovedStatePart[];
}

/** Fields every state document has; a secret in one of them is masked, never dropped. */
const requiredFields: ReadonlySet<string> = new Set([
  'formatVersion',
  'resource',
  'status',
  'loadId',
  'updatedAt',
]);

/** Origin that relative URLs are resolved against while their query is cleaned, then cut off again. */
const placeholderOrigin = 'http://relative.restsync.invalid';

/** Whether a JSON-like value holds a registered secret in any string, number or object key. */
function holdsSecret(value: unknown, redactor: Redactor): boolean {
  if (typeof value === 'string') return redactor.containsSecret(value);
  if (typeof value === 'number' || typeof value === 'bigint') return redactor.containsSecret(String(value));
  if (Array.isArray(value)) return value.some((item) => holdsSecret(item, redactor));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(
      ([key, item]) => redactor.containsSecret(key) || holdsSecret(item, redactor),
    );
  }
  return false;
}

/**
 * A URL (absolute http(s), or relative: `/path?…`, `?…`) without the query params whose name or value
 * holds a secret; any other text as it is.
 */
function withoutSecretParams(text: string, redactor: Redactor): string {
  if (!text.includes('?')) return text;
  try {
    if (/^https?:\/\//i.test(text)) return urlWithoutSecrets(text, redactor).url;
    const relative = (text.startsWith('/') && !text.startsWith('//')) || text.startsWith('?');
    if (!relative) return text;
    const { url, dropped } = urlWithoutSecrets(new URL(text, placeholderOrigin).toString(), redactor);
    if (dropped.length === 0) return text;
    const parsed = new URL(url);
    const rest = `${parsed.search}${parsed.hash}`;
    return text.startsWith('?') ? rest : `${parsed.pathname}${rest}`;
  } catch {
    // Not a URL after all: the caller drops the value if it still holds the secret.
    return text;
  }
}

/** The value with the secret query params of every URL string inside it removed. */
function withoutSecretUrlParams(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') {
    return redactor.containsSecret(value) ? withoutSecretParams(value, redactor) : value;
  }
  if (Array.isArray(value)) return value.map((item) => withoutSecretUrlParams(item, redactor));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withoutSecretUrlParams(item, redactor)]),
    );
  }
  return value;
}

/**
 * A checkpoint without secrets: the secret query params of its URLs removed (the auth applies its
 * credential again on the resumed request), or `undefined` when a secret is still left (in a cursor
 * value, a body position, a path).
 */
function checkpointWithoutSecrets(
  checkpoint: PaginatorCheckpoint,
  redactor: Redactor,
): PaginatorCheckpoint | undefined {
  if (!holdsSecret(checkpoint, redactor)) return checkpoint;
  const cleaned = withoutSecretUrlParams(checkpoint, redactor) as PaginatorCheckpoint;
  return holdsSecret(cleaned, redactor) ? undefined : cleaned;
}

/**
 * Returns the state document as it may be stored: no registered secret anywhere in it.
 *
 * - In the URLs of the paginator checkpoint (and of each parent's checkpoint), the query params whose
 *   name or value holds a secret are removed, as an API that echoes the access token in its next
 *   links makes them; the auth applies its credential again when the run resumes.
 * - A checkpoint that still holds a secret after that (in a cursor value, a body position) is left
 *   out: an interrupted run restarts the resource from its start or its incremental cursor.
 * - An incremental cursor that holds a secret is left out: the next run starts at `initial_value`.
 * - Any other optional field that holds one is left out; a required one is masked (`***`).
 *
 * A document without secrets comes back as the same object. Each removal is listed in `removed`,
 * without the value.
 */
export function stateWithoutSecrets(state: ResourceState, redactor: Redactor): SecretFreeState {
  if (!holdsSecret(state, redactor)) return { state, removed: [] };
  const removed: RemovedStatePart[] = [];
  const { checkpoint, parents, incremental, ...others } = state;
  const result: Record<string, unknown> = {};

  for (const [field, value] of Object.entries(others)) {
    if (!holdsSecret(value, redactor)) result[field] = value;
    else if (requiredFields.has(field)) result[field] = redactor.redactValue(value);
    else removed.push({ path: field, what: `the field "${field}"`, consequence: 'it was not stored' });
  }

  if (checkpoint !== undefined) {
    const cleaned = checkpointWithoutSecrets(checkpoint, redactor);
    if (cleaned === undefined) {
      removed.push({
        path: 'checkpoint',
        what: 'the paginator checkpoint',
        consequence:
          'it was not stored, so a rerun after an interruption reads the resource from its start ' +
          '(or from its incremental cursor)',
      });
    } else result.checkpoint = cleaned;
  }

  if (parents !== undefined) {
    const positions: Record<string, ParentPosition> = {};
    for (const [key, position] of Object.entries(parents)) {
      const shownKey = JSON.stringify(redactor.redact(key));
      if (redactor.containsSecret(key)) {
        removed.push({
          path: `parents[${shownKey}]`,
          what: 'the position of a parent',
          consequence: "it was not stored, so that parent's children are read again",
        });
        continue;
      }
      const { checkpoint: parentCheckpoint, ...rest } = position;
      const cleaned =
        parentCheckpoint === undefined ? undefined : checkpointWithoutSecrets(parentCheckpoint, redactor);
      if (parentCheckpoint !== undefined && cleaned === undefined) {
        removed.push({
          path: `parents[${shownKey}].checkpoint`,
          what: "a parent's paginator checkpoint",
          consequence: "it was not stored, so that parent's children are read from their start",
        });
      }
      positions[key] = cleaned === undefined ? rest : { ...rest, checkpoint: cleaned };
    }
    result.parents = positions;
  }

  if (incremental !== undefined) {
    const cursors: Record<string, IncrementalCursor> = {};
    for (const [key, cursor] of Object.entries(incremental.cursors)) {
      if (holdsSecret([key, cursor], redactor)) {
        removed.push({
          path: `incremental.cursors[${JSON.stringify(redactor.redact(key))}]`,
          what: 'the incremental cursor',
          consequence: 'it was not stored, so the next run reads from the initial_value',
        });
      } else cursors[key] = cursor;
    }
    result.incremental = { ...incremental, cursors };
  }

  return { state: result as unknown as ResourceState, removed };
}

/**
 * The session with every state document passed through `stateWithoutSecrets` before `write` and
 * `completeResource` store it, so no secret reaches a destination's state. Each removal makes one
 * `warning` event (code `state_secret`) per resource and path, naming what was left out and why,
 * never the value.
 */
export function secretFreeStateSession(
  session: DestinationSession,
  context: { redactor: Redactor; events: EventBus },
): DestinationSession {
  const warned = new Set<string>();
  const clean = (state: ResourceState): ResourceState => {
    const { state: stored, removed } = stateWithoutSecrets(state, context.redactor);
    for (const part of removed) {
      const key = JSON.stringify([state.resource, part.path]);
      if (warned.has(key)) continue;
      warned.add(key);
      context.events.emit({
        type: 'warning',
        resource: state.resource,
        code: 'state_secret',
        message:
          `resource "${state.resource}": ${part.what} (${part.path}) holds a secret, and state never ` +
          `stores one: ${part.consequence}.`,
      });
    }
    return stored;
  };
  return {
    ...session,
    write: (batch) =>
      session.write(batch.states.length === 0 ? batch : { ...batch, states: batch.states.map(clean) }),
    completeResource: (completion) =>
      session.completeResource({ ...completion, state: clean(completion.state) }),
  };
}
