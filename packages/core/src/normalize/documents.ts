import type { Row, SchemaContract } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import { hintedValue } from './hinted-values';
import type { TableState } from './table-state';
import { accepts, inferType, isPlainObject, prepareValue, widenedType } from './value-types';

/** What documents mode needs besides the record: the contract, and where warnings go. */
export interface DocumentContext {
  contract: SchemaContract | undefined;
  warn: (code: string, key: string, message: string) => void;
}

const contractKeys = { columns: 'columns', dataType: 'data_type' } as const;

/** Applies a contract to a change of a document's field: true to make it, false to drop the value, undefined to drop the row. */
function allowed(
  context: DocumentContext,
  kind: 'columns' | 'dataType',
  table: TableState,
  resource: ResourceInfo,
  key: string,
  index: number,
  change: string,
): boolean | undefined {
  const mode = context.contract?.[kind] ?? 'evolve';
  if (mode === 'evolve') return true;
  if (mode === 'discard_value') return false;
  if (mode === 'discard_row') return undefined;
  throw new SchemaError(
    `Resource "${resource.name}": schema_contract ${contractKeys[kind]} is freeze, and the record at index ${index} needs ${change}: ` +
      `table "${table.name}", column "${key}", field "${key}". Nothing of the batch holding it was written. ` +
      'Fix the data, or relax the contract (evolve, discard_row or discard_value).',
  );
}

/**
 * Documents mode (MongoDB): the row is the record itself (a shallow copy, keys unchanged, nesting
 * kept) plus `_restsync_load_id` and `_restsync_id`. The schema tracks top-level keys only; a key
 * whose values disagree widens (`bigint` → `double` or `decimal`, anything else → `json`). A
 * hinted column keeps its type: values are converted where they can be, and kept as they are
 * (with a warning) where not. Undefined: the contract drops the record.
 */
export function documentRow(
  table: TableState,
  resource: ResourceInfo,
  record: unknown,
  index: number,
  loadId: string,
  id: string,
  context: DocumentContext,
): Row | undefined {
  const source: Record<string, unknown> = isPlainObject(record) ? record : { value: record };
  if (source[systemColumns.id] !== undefined || source[systemColumns.loadId] !== undefined) {
    throw new SchemaError(
      `Resource "${resource.name}": the record at index ${index} has a field named "${systemColumns.id}" or "${systemColumns.loadId}", ` +
        `which restsync writes itself. Rename the field with a map processing step.`,
    );
  }
  let changed: Record<string, unknown> | undefined;
  const change = (key: string, value: unknown) => {
    changed ??= {};
    changed[key] = value;
  };
  for (const key of Object.keys(source)) {
    let value = source[key];
    if (value === null || value === undefined) continue;
    if (value instanceof Date) value = prepareValue(value);
    const node = table.fields.get(key) ?? table.addField(table.fields, undefined, key);
    const column = node.column;
    if (column === undefined) {
      const verdict = table.existedBefore
        ? allowed(context, 'columns', table, resource, key, index, 'a new column')
        : true;
      if (verdict === undefined) return undefined;
      if (!verdict) {
        change(key, undefined);
        continue;
      }
      node.column = table.addColumn(key, inferType(value), key);
    } else if (column.hinted) {
      const fitted = hintedValue(column, value);
      if (fitted === undefined) {
        context.warn(
          'hinted_type_mismatch',
          `${table.name}.${key}`,
          `Resource "${resource.name}": a ${inferType(value)} value of field "${key}" of collection "${table.name}" does not fit its hinted type ${column.type}; it is kept as it is.`,
        );
      } else if (fitted !== value) {
        change(key, fitted);
      }
    } else if (column.type !== 'json' && !accepts(column.type, value)) {
      const widened = widenedType(column.type, value) ?? 'json';
      const verdict = allowed(
        context,
        'dataType',
        table,
        resource,
        key,
        index,
        `column type ${column.type} to widen to ${widened}`,
      );
      if (verdict === undefined) return undefined;
      if (!verdict) change(key, undefined);
      else table.widen(column, widened);
    }
  }
  const row: Row = Object.assign({ [systemColumns.loadId]: loadId, [systemColumns.id]: id }, source, changed);
  if (changed !== undefined) {
    for (const [key, value] of Object.entries(changed)) if (value === undefined) delete row[key];
  }
  table.ensureSystemColumns();
  return row;
}
