import type { ContractMode, Row, SchemaContract } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { SchemaError } from '../errors';
import { hintedValue } from './hinted-values';
import type { PrimaryKeyField } from './primary-key';
import { readKey } from './primary-key';
import { childRowId } from './row-id';
import { variantSuffixes } from './schema-migration';
import type { SchemaRegistry } from './schema-registry';
import type { FieldNode, TableState } from './table-state';
import { accepts, inferType, isPlainObject, prepareValue, widenedType } from './value-types';

// V8 folds this check inside for-in over an object with an enum cache.
const ownKey = Object.prototype.hasOwnProperty;

/**
 * A new, empty row. Rows are built a property at a time: made by a constructor, V8 learns from
 * the first rows how many properties they get and lays out the next ones with every column
 * inline, where an object literal spills its columns into a second, growing array. The prototype
 * is `Object.prototype`: a row is a plain object like any other.
 */
const PlainRow = (() => {
  function PlainRow() {}
  PlainRow.prototype = Object.prototype;
  return PlainRow as unknown as new () => Row;
})();

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
  /** The resource whose records are flattened. */
  resource: ResourceInfo;
  /** The resource's schema contract; undefined when everything evolves. */
  contract: SchemaContract | undefined;
  /** Nesting levels that become columns and child tables (`max_table_nesting`); Infinity: no limit. */
  maxNesting: number;
  /** With a contract: the rows of the current record, kept once the record is done (a discarded row is cut off). */
  pending: { table: TableState; row: Row }[] | undefined;
  /** The current record's index in the page, for messages. */
  recordIndex: number;
  /** The array fields and indexes leading to the current row (pairs), for messages. */
  trail: (string | number)[];
  /** Reports a warning about a column (the normalizer reports each once). */
  warn: (code: string, key: string, message: string) => void;
}

/** Thrown to drop the row being written (a `discard_row` contract); caught where the row started. */
class DiscardedRow extends Error {}

function appendRow(context: FlattenContext, table: TableState, row: Row): void {
  if (table.rows === undefined) {
    table.rows = [row];
    context.touched.push(table);
  } else {
    table.rows.push(row);
  }
}

function pushRow(context: FlattenContext, table: TableState, row: Row): void {
  if (context.pending === undefined) appendRow(context, table, row);
  else context.pending.push({ table, row });
}

/** The field's path in the record, through the arrays leading to the current row (`tags[1].name`). */
function fieldPathOf(context: FlattenContext, path: string): string {
  let text = '';
  for (let position = 0; position < context.trail.length; position += 2) {
    text += `${text === '' ? '' : '.'}${context.trail[position]}[${context.trail[position + 1]}]`;
  }
  return text === '' ? path : `${text}.${path}`;
}

const contractKeys = { tables: 'tables', columns: 'columns', dataType: 'data_type' } as const;

/**
 * Applies the schema contract to a change the record needs. True: make it (`evolve`). False: drop
 * the value (`discard_value`, or any discard for a new table). Throws a `SchemaError` naming the
 * table, column and field for `freeze`, and drops the row for `discard_row` (columns, data types).
 */
function allowed(
  context: FlattenContext,
  kind: keyof SchemaContract,
  table: string,
  column: string,
  path: string,
  change: string,
): boolean {
  const mode: ContractMode = context.contract?.[kind] ?? 'evolve';
  if (mode === 'evolve') return true;
  if (mode === 'freeze') {
    throw new SchemaError(
      `Resource "${context.resource.name}": schema_contract ${contractKeys[kind]} is freeze, and the record at index ${context.recordIndex} needs ${change}: ` +
        `table "${table}", column "${column}", field "${fieldPathOf(context, path)}". Nothing of the batch holding it was written. ` +
        'Fix the data, or relax the contract (evolve, discard_row or discard_value).',
    );
  }
  if (mode === 'discard_row' && kind !== 'tables') throw new DiscardedRow();
  return false;
}

/** Keeps the rows of a record that was written whole (with a contract, rows wait in `pending`). */
function commitPending(context: FlattenContext): void {
  const pending = context.pending;
  if (pending === undefined) return;
  for (const entry of pending) appendRow(context, entry.table, entry.row);
  pending.length = 0;
}

/** Resolves (and on first use creates) the primary key columns of a root table; sets its `primaryKey`. */
export function preparePrimaryKey(
  table: TableState,
  resource: ResourceInfo,
  keys: PrimaryKeyField[],
  record: Record<string, unknown>,
): void {
  const nodes = keys.map((key) => keyNode(table, key, record));
  table.primaryKeyNodes = nodes;
  table.configure(
    nodes.map((node) => node.column!.name),
    resource.writeDisposition,
  );
}

/** The node of a key field (primary or merge key), with its column created (NOT NULL) from the record's value. */
export function keyNode(table: TableState, key: PrimaryKeyField, record: Record<string, unknown>): FieldNode {
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
  return node;
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
    if (column.hinted && hintedValue(column, value) !== undefined) continue;
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
  const row = new PlainRow();
  row[systemColumns.loadId] = context.loadId;
  row[systemColumns.id] = id;
  context.recordIndex = index;
  pushRow(context, table, row);
  try {
    if (isPlainObject(record)) {
      if (keys.length > 0) checkPrimaryKey(table, resource, keys, record, index);
      writeObject(context, table, row, record, table.fields, undefined, 1, id, id);
    } else {
      writeValue(context, table, row, valueNode(table), record, 1, id, id);
    }
  } catch (error) {
    if (!(error instanceof DiscardedRow) || context.pending === undefined) throw error;
    context.pending.length = 0;
    context.trail.length = 0;
  } finally {
    table.ensureSystemColumns();
  }
  for (const column of table.requiredColumns) {
    if (row[column.name] === undefined || row[column.name] === null) {
      throw new SchemaError(
        `Resource "${resource.name}": the record at index ${index} has no ${column.type} value for column "${column.name}" of table "${table.name}", ` +
          'which its hint makes NOT NULL (nullable: false). Send the field, or drop nullable: false.',
      );
    }
  }
  commitPending(context);
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
  // for-in reads V8's enum cache of the object's shape (no key array per object); the own-key
  // check keeps Object.keys' meaning for a plain object whose prototype has enumerable keys.
  for (const key in object) {
    if (!ownKey.call(object, key)) continue;
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
      writeScalar(context, table, row, node, value);
      return;
    case 'object':
      if (value === null) {
        if (node.column !== undefined) row[node.column.name] = null;
      } else if (node.column?.hinted === true && node.column.type === 'json') {
        writeScalar(context, table, row, node, value);
      } else if (Array.isArray(value)) {
        // max_table_nesting: a value at nesting level L becomes a table or columns only when L + 1 <= the limit.
        if (context.arraysAsJson || table.nestingLevel + depth > context.maxNesting) {
          writeScalar(context, table, row, node, value);
        } else {
          writeArray(context, table, node, value, depth, rootId, rowId);
        }
      } else if (value instanceof Date) {
        writeScalar(context, table, row, node, prepareValue(value));
      } else if (depth <= maxFlattenDepth && table.nestingLevel + depth <= context.maxNesting) {
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
        writeScalar(context, table, row, node, value);
      }
      return;
    case 'bigint':
      writeScalar(context, table, row, node, value);
      return;
    default:
      return;
  }
}

/** Writes a value into the field's column, creating it, widening it, or using a variant column. */
function writeScalar(
  context: FlattenContext,
  table: TableState,
  row: Row,
  node: FieldNode,
  value: unknown,
): void {
  const column = node.column;
  if (column === undefined) {
    const contract = context.contract;
    if (
      contract !== undefined &&
      table.existedBefore &&
      !allowed(context, 'columns', table.name, table.columnName(node.fullName), node.path, 'a new column')
    ) {
      return;
    }
    const hint = table.hints?.get(node.fullName);
    node.column = table.addColumn(node.fullName, inferType(value), node.path, hint?.nullable ?? true);
    row[node.column.name] = value;
    return;
  }
  if (column.hinted) {
    const fitted = hintedValue(column, value);
    if (fitted === undefined) writeVariant(context, table, row, node, value);
    else row[column.name] = fitted;
    return;
  }
  if (accepts(column.type, value)) {
    row[column.name] = value;
    return;
  }
  const widened = widenedType(column.type, value);
  if (widened !== undefined) {
    const change = `column type ${column.type} to widen to ${widened}`;
    if (!allowed(context, 'dataType', table.name, column.name, node.path, change)) return;
    table.widen(column, widened);
    row[column.name] = value;
    return;
  }
  writeVariant(context, table, row, node, value);
}

/** Puts a value its column does not hold into the variant column of its type (`<column>__v_<type>`). */
function writeVariant(
  context: FlattenContext,
  table: TableState,
  row: Row,
  node: FieldNode,
  value: unknown,
): void {
  const column = node.column!;
  row[column.name] = null;
  let type = inferType(value);
  if (type === 'bigint' && typeof value === 'number' && node.variants?.has('double')) type = 'double';
  let variant = node.variants?.get(type);
  if (variant === undefined) {
    const name = `${column.name}__v_${variantSuffixes[type]}`;
    const change = `a variant column "${name}" for a ${type} value`;
    if (!allowed(context, 'dataType', table.name, column.name, node.path, change)) return;
    node.variants ??= new Map();
    variant = table.addColumn(name, type, node.path);
    node.variants.set(type, variant);
  }
  row[variant.name] = value;
  if (column.hinted) {
    context.warn(
      'hinted_type_mismatch',
      `${table.name}.${variant.name}`,
      `Resource "${context.resource.name}": a ${type} value of column "${column.name}" of table "${table.name}" does not fit its hinted type ${column.type}; ` +
        `it is kept in variant column "${variant.name}".`,
    );
  }
}

/** Each element of an array becomes a row of the field's child table. */
function writeArray(
  context: FlattenContext,
  table: TableState,
  node: FieldNode,
  array: readonly unknown[],
  depth: number,
  rootId: string,
  parentId: string,
): void {
  if (array.length === 0) return;
  let child = node.childTable;
  if (child === undefined) {
    if (
      context.contract !== undefined &&
      context.registry.existingChildTable(table, node) === undefined &&
      !allowed(context, 'tables', `${table.name}__${node.fullName}`, node.fullName, node.path, 'a new table')
    ) {
      return;
    }
    child = context.registry.childTable(table, node);
  }
  child.nestingLevel = table.nestingLevel + depth;
  for (let index = 0; index < array.length; index++) {
    const element = array[index];
    const id = childRowId(parentId, node.path, index);
    const row = new PlainRow();
    row[systemColumns.loadId] = context.loadId;
    row[systemColumns.id] = id;
    row[systemColumns.parentId] = parentId;
    row[systemColumns.rootId] = rootId;
    row[systemColumns.listIndex] = index;
    const start = context.pending?.length ?? 0;
    pushRow(context, child, row);
    context.trail.push(node.path, index);
    try {
      if (isPlainObject(element)) {
        writeObject(context, child, row, element, child.fields, undefined, 1, rootId, id);
      } else {
        writeValue(context, child, row, valueNode(child), element, 1, rootId, id);
      }
    } catch (error) {
      // discard_row on a child row drops it (and its own children), and keeps its parent.
      if (!(error instanceof DiscardedRow) || context.pending === undefined) throw error;
      context.pending.length = start;
    } finally {
      context.trail.length -= 2;
      child.ensureSystemColumns();
    }
  }
}
