import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import { keyedRowId, keyTextRowId, randomRowId } from './row-id';

/** A primary key field: a top-level key, or a dotted path into nested objects (`owner.id`). */
export interface PrimaryKeyField {
  /** As configured. */
  field: string;
  /** The path's keys (`['owner', 'id']`). */
  segments: string[];
}

/** The primary key fields of a resource. A field containing `.` is a path into nested objects. */
export function primaryKeyFields(resource: ResourceInfo): PrimaryKeyField[] {
  return resource.primaryKey.map((field) => ({ field, segments: field.split('.') }));
}

/** The value of a primary key field in a record (undefined when missing). */
export function readKey(record: Record<string, unknown>, key: PrimaryKeyField): unknown {
  if (key.segments.length === 1) return record[key.field];
  let value: unknown = record;
  for (const segment of key.segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The value of a key field in a record; undefined when the record is not an object or has none. */
function readRecordKey(record: unknown, key: PrimaryKeyField): unknown {
  return typeof record === 'object' && record !== null
    ? readKey(record as Record<string, unknown>, key)
    : undefined;
}

function isScalarKey(value: unknown): boolean {
  const type = typeof value;
  return (
    type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint' || value instanceof Date
  );
}

/**
 * The `_restsync_id` of every record of a call, checked before anything is written: a record
 * without a primary key value (missing or null) is a `SchemaError` naming the resource, the field
 * and the record's index. With `scalarOnly` (flattening destinations) a key must be a scalar.
 * With `keyText` (the table's `rowIds` is `key`), a key of one scalar value is its own id.
 */
export function rootRowIds(
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  records: readonly unknown[],
  scalarOnly: boolean,
  keyText: boolean,
): string[] {
  const single = keyText && keys.length === 1;
  const ids = new Array<string>(records.length);
  const values = new Array<unknown>(keys.length);
  for (let index = 0; index < records.length; index++) {
    if (keys.length === 0) {
      ids[index] = randomRowId();
      continue;
    }
    const record = records[index];
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position]!;
      const value = readRecordKey(record, key);
      if (value === undefined || value === null) {
        throw new SchemaError(
          `Resource "${resource.name}": the record at index ${index} has no value for primary key field "${key.field}" (missing or null). ` +
            `Every record needs its primary key: check the resource's primary_key setting, or drop such records with a processing step.`,
        );
      }
      if (scalarOnly && !isScalarKey(value)) {
        throw new SchemaError(
          `Resource "${resource.name}": the record at index ${index} has ${Array.isArray(value) ? 'an array' : 'an object'} as primary key field "${key.field}". ` +
            `A primary key must be a string, number or boolean: point primary_key at a scalar field.`,
        );
      }
      values[position] = value;
    }
    ids[index] = (single ? keyTextRowId(values[0]) : undefined) ?? keyedRowId(resource.name, values);
  }
  return ids;
}

/**
 * Checks that every record has a value for each merge key field (dlt fails on a null merge key):
 * a `SchemaError` naming the resource, the field and the record's index, before anything is written.
 */
export function checkMergeKeys(
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  records: readonly unknown[],
): void {
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    for (const key of keys) {
      const value = readRecordKey(record, key);
      if (value === undefined || value === null) {
        throw new SchemaError(
          `Resource "${resource.name}": the record at index ${index} has no value for merge key field "${key.field}" (missing or null). ` +
            'Every record needs its merge key: check the merge_key setting, or drop such records with a processing step.',
        );
      }
    }
  }
}
