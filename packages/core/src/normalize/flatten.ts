import type { Row } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import type { PrimaryKeyField } from './primary-key';
import { readKey } from './primary-key';
import { childRowId } from './row-id';
import { variantSuffixes } from './schema-migration';
import type { SchemaRegistry } from './schema-registry';
import type { FieldNode, TableState } from './table-state';
import { accepts, inferType, isPlainObject, prepareValue, widenedType } from './value-types';

/** Objects nested deeper than this many levels are stored whole in a `json` column. */
export const maxFlattenDepth = 5;

/** What one `normalize()` call shares while flattening its records. */
export interface FlattenContext {
  registry: SchemaRegistry;
  loadId: string;
  /** The resource keeps arrays as `json` instead of child tables. */
  arraysAsJson: boolean;
  /** Tables that received rows in this call, in the order of their first row. */
  touched: TableState[];
}

function pushRow(context: FlattenContext, table: TableState, row: Row): void {
  if (table.rows === undefined) {
    table.rows = [row];
    context.touched.push(table);
  } else {
    table.rows.push(row);
  }
}

/** Resolves (and on first use creates) the primary key columns of a root table; sets its `primaryKey`. */
export function preparePrimaryKey(
  table: TableState,
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  record: Record<string, unknown>,
): void {
  const nodes: FieldNode[] = [];
  for (const key of keys) {
    let group = table.fields;
    let parent: FieldNode | undefined;
    for (let position = 0; position < key.segments.length; position++) {
      const segment = key.segments[position]!;
      const node = group.get(segment) ?? table.addField(group, parent, segment);
      parent = node;
      if (position < key.segments.length - 1) {
        node.children ??= new Map();
        group = node.children;
      }
    }
    const node = parent!;
    if (node.column === undefined) {
      const value = scalar(readKey(record, key));
      node.column = table.addColumn(node.fullName, inferType(value), node.path, false);
    }
    nodes.push(node);
  }
  table.primaryKeyNodes = nodes;
  table.configure(
    nodes.map((node) => node.column!.name),
    resource.writeDisposition,
  );
}

/**
 * Checks that a record's key values fit their columns (a `bigint` key column widens to `double`
 * for a fractional number, to `decimal` for an integer beyond 64 bits).
 * A key column never gets a variant: a conflicting key is a `SchemaError`.
 */
function checkPrimaryKey(
  table: TableState,
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  record: Record<string, unknown>,
  index: number,
): void {
  const nodes = table.primaryKeyNodes!;
  for (let position = 0; position < nodes.length; position++) {
    const column = nodes[position]!.column!;
    const value = scalar(readKey(record, keys[position]!));
    if (accepts(column.type, value)) continue;
    const widened = widenedType(column.type, value);
    if (widened !== undefined) {
      table.widen(column, widened);
      continue;
    }
    throw new SchemaError(
      `Resource "${resource.name}": the record at index ${index} has a ${inferType(value)} value for primary key field "${keys[position]!.field}", ` +
        `but column "${column.name}" of table "${table.name}" is ${column.type}. A primary key column cannot hold variants: ` +
        `make the key's type consistent, e.g. with a map processing step.`,
    );
  }
}

function scalar(value: unknown): unknown {
  return value instanceof Date ? prepareValue(value) : value;
}

/** Flattens one record into a root row (and child rows for its arrays). */
export function flattenRecord(
  context: FlattenContext,
  table: TableState,
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  record: unknown,
  index: number,
  id: string,
): void {
  const row: Row = { [systemColumns.loadId]: context.loadId, [systemColumns.id]: id };
  pushRow(context, table, row);
  if (isPlainObject(record)) {
    if (keys.length > 0) checkPrimaryKey(table, resource, keys, record, index);
    writeObject(context, table, row, record, table.fields, undefined, 1, id, id);
  } else {
    writeValue(context, table, row, valueNode(table), record, 1, id, id);
  }
  table.ensureSystemColumns();
}

function valueNode(table: TableState): FieldNode {
  return table.fields.get('value') ?? table.addField(table.fields, undefined, 'value');
}

function writeObject(
  context: FlattenContext,
  table: TableState,
  row: Row,
  object: Record<string, unknown>,
  group: Map<string, FieldNode>,
  parent: FieldNode | undefined,
  depth: number,
  rootId: string,
  rowId: string,
): void {
  for (const key of Object.keys(object)) {
    const node = group.get(key) ?? table.addField(group, parent, key);
    writeValue(context, table, row, node, object[key], depth, rootId, rowId);
  }
}

function writeValue(
  context: FlattenContext,
  table: TableState,
  row: Row,
  node: FieldNode,
  value: unknown,
  depth: number,
  rootId: string,
  rowId: string,
): void {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      writeScalar(table, row, node, value);
      return;
    case 'object':
      if (value === null) {
        if (node.column !== undefined) row[node.column.name] = null;
      } else if (Array.isArray(value)) {
        if (context.arraysAsJson) writeScalar(table, row, node, value);
        else writeArray(context, table, node, value, rootId, rowId);
      } else if (value instanceof Date) {
        writeScalar(table, row, node, prepareValue(value));
      } else if (depth <= maxFlattenDepth) {
        node.children ??= new Map();
        writeObject(
          context,
          table,
          row,
          value as Record<string, unknown>,
          node.children,
          node,
          depth + 1,
          rootId,
          rowId,
        );
      } else {
        writeScalar(table, row, node, value);
      }
      return;
    case 'bigint':
      writeScalar(table, row, node, value);
      return;
    default:
      return;
  }
}

/** Writes a value into the field's column, creating it, widening it, or using a variant column. */
function writeScalar(table: TableState, row: Row, node: FieldNode, value: unknown): void {
  const column = node.column;
  if (column === undefined) {
    node.column = table.addColumn(node.fullName, inferType(value), node.path);
    row[node.column.name] = value;
    return;
  }
  if (accepts(column.type, value)) {
    row[column.name] = value;
    return;
  }
  const widened = widenedType(column.type, value);
  if (widened !== undefined) {
    table.widen(column, widened);
    row[column.name] = value;
    return;
  }
  row[column.name] = null;
  let type = inferType(value);
  if (type === 'bigint' && typeof value === 'number' && node.variants?.has('double')) type = 'double';
  node.variants ??= new Map();
  let variant = node.variants.get(type);
  if (variant === undefined) {
    variant = table.addColumn(`${column.name}__v_${variantSuffixes[type]}`, type, node.path);
    node.variants.set(type, variant);
  }
  row[variant.name] = value;
}

/** Each element of an array becomes a row of the field's child table. */
function writeArray(
  context: FlattenContext,
  table: TableState,
  node: FieldNode,
  array: readonly unknown[],
  rootId: string,
  parentId: string,
): void {
  if (array.length === 0) return;
  const child = node.childTable ?? context.registry.childTable(table, node);
  for (let index = 0; index < array.length; index++) {
    const element = array[index];
    const id = childRowId(parentId, node.path, index);
    const row: Row = {
      [systemColumns.loadId]: context.loadId,
      [systemColumns.id]: id,
      [systemColumns.parentId]: parentId,
      [systemColumns.rootId]: rootId,
      [systemColumns.listIndex]: index,
    };
    pushRow(context, child, row);
    if (isPlainObject(element)) {
      writeObject(context, child, row, element, child.fields, undefined, 1, rootId, id);
    } else {
      writeValue(context, child, row, valueNode(child), element, 1, rootId, id);
    }
    child.ensureSystemColumns();
  }
}
