import { hash, randomUUID } from 'node:crypto';

const idLength = 32;

function keyPart(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'number':
    case 'bigint':
      return `n${String(value)}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    default: {
      const json = JSON.stringify(value, (_key, item: unknown) =>
        typeof item === 'bigint' ? String(item) : item,
      );
      return `j${json.length}:${json}`;
    }
  }
}

/**
 * The `_restsync_id` of a root row with a primary key: a hash of the resource name and the key
 * values, so the same record key gets the same id in every run.
 */
export function keyedRowId(resource: string, keyValues: readonly unknown[]): string {
  let input = `${resource}\u0000${keyPart(keyValues[0])}`;
  for (let position = 1; position < keyValues.length; position++) input += keyPart(keyValues[position]);
  return hash('sha1', input, 'hex').slice(0, idLength);
}

/**
 * The `_restsync_id` of a root row whose primary key is one scalar value, for tables whose ids are
 * the key (`TableSchema.rowIds`): the value as text. Undefined for a value that has no plain text
 * (an object, an array, a Date): such a key is hashed.
 */
export function keyTextRowId(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return undefined;
  }
}

/** The `_restsync_id` of a root row without a primary key: unique, not stable across runs. */
export function randomRowId(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * The `_restsync_id` of a child row: a hash of the parent row's id, the array's field path and the
 * list index, so a child row's id is as stable as its parent's.
 */
export function childRowId(parentId: string, fieldPath: string, index: number): string {
  return hash('sha1', `${parentId}\u0000${fieldPath}\u0000${index}`, 'hex').slice(0, idLength);
}
