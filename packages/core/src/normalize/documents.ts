import type { Row } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import type { TableState } from './table-state';
import { accepts, inferType, isPlainObject, prepareValue, widenedType } from './value-types';

/**
 * Documents mode (MongoDB): the row is the record itself (a shallow copy, keys unchanged, nesting
 * kept) plus `_restsync_load_id` and `_restsync_id`. The schema tracks top-level keys only; a key
 * whose values disagree widens (`bigint` → `double` or `decimal`, anything else → `json`).
 */
export function documentRow(
  table: TableState,
  resource: ResourceInfo,
  record: unknown,
  index: number,
  loadId: string,
  id: string,
): Row {
  const source: Record<string, unknown> = isPlainObject(record) ? record : { value: record };
  if (source[systemColumns.id] !== undefined || source[systemColumns.loadId] !== undefined) {
    throw new SchemaError(
      `Resource "${resource.name}": the record at index ${index} has a field named "${systemColumns.id}" or "${systemColumns.loadId}", ` +
        `which restsync writes itself. Rename the field with a map processing step.`,
    );
  }
  for (const key of Object.keys(source)) {
    let value = source[key];
    if (value === null || value === undefined) continue;
    if (value instanceof Date) value = prepareValue(value);
    const node = table.fields.get(key) ?? table.addField(table.fields, undefined, key);
    const column = node.column;
    if (column === undefined) {
      node.column = table.addColumn(key, inferType(value), key);
    } else if (column.type !== 'json' && !accepts(column.type, value)) {
      table.widen(column, widenedType(column.type, value) ?? 'json');
    }
  }
  const row: Row = Object.assign({ [systemColumns.loadId]: loadId, [systemColumns.id]: id }, source);
  table.ensureSystemColumns();
  return row;
}
