import { keyIn, type Spelling, spellingsOf } from '../config/forms';
import { configKeys } from '../config/keys';
import type { ColumnHint, ColumnType, ContractMode, SchemaContract } from '../contracts/schema';
import type { ConfigIssue } from '../errors';
import { normalizeSegment } from '../normalize/identifier';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';
import type { Located } from './read-config';

/** dlt's aliases of column types. */
const typeAliases: Readonly<Record<string, ColumnType>> = { complex: 'json', wei: 'decimal' };

const contractModes: readonly string[] = ['evolve', 'freeze', 'discard_row', 'discard_value'];

/** What a resource's hints add to its `ResourceInfo`. */
export interface ResourceHints {
  tableName?: string;
  columns?: ColumnHint[];
  maxTableNesting?: number;
  schemaContract?: SchemaContract;
  mergeKey?: string[];
  /** Columns hinted `primary_key`, added to the resource's primary key. */
  primaryKey: string[];
}

/** A value of an object in either spelling. */
function read(object: Record<string, unknown>, camelKey: string): unknown {
  for (const spelling of spellingsOf(camelKey)) if (object[spelling] !== undefined) return object[spelling];
  return undefined;
}

/** The hints of each column as written, keyed by column name, with camelCase keys (list or dict form in). */
function hintEntries(
  value: unknown,
  path: ConfigPath,
  issues?: ConfigIssue[],
): Map<string, Record<string, unknown>> {
  const entries = new Map<string, Record<string, unknown>>();
  const add = (name: string, hint: Record<string, unknown>) => {
    const camel: Record<string, unknown> = {};
    for (const key of configKeys.columnHint) {
      const item = read(hint, key);
      if (item !== undefined && key !== 'name') camel[key] = item;
    }
    entries.set(name, { ...entries.get(name), ...camel });
  };
  if (Array.isArray(value)) {
    value.forEach((hint, index) => {
      if (!isPlainObject(hint)) return;
      const name = hint.name;
      if (typeof name === 'string' && name !== '') add(name, hint);
      else
        issues?.push({
          path: formatPath([...path, index, 'name']),
          message: 'a column in the list form needs a name',
        });
    });
  } else if (isPlainObject(value)) {
    for (const [name, hint] of Object.entries(value)) if (isPlainObject(hint)) add(name, hint);
  }
  return entries;
}

/**
 * `columns` of `resource_defaults` merged with a resource's, column by column (dlt): the
 * resource's hints of a column win, the defaults' other hints of it stay.
 */
export function mergeColumnHints(defaults: unknown, own: unknown): Record<string, unknown> {
  const merged = hintEntries(defaults, []);
  for (const [name, hint] of hintEntries(own, [])) merged.set(name, { ...merged.get(name), ...hint });
  return Object.fromEntries(merged);
}

function columnHints(located: Located, spelling: Spelling, issues: ConfigIssue[]): ColumnHint[] {
  const hints: ColumnHint[] = [];
  const hardDelete: string[] = [];
  for (const [name, hint] of hintEntries(located.value, located.path, issues)) {
    const written = typeof hint.dataType === 'string' ? hint.dataType : undefined;
    const dataType = written === undefined ? undefined : (typeAliases[written] ?? (written as ColumnType));
    const column: ColumnHint = { name };
    if (dataType !== undefined) column.dataType = dataType;
    for (const key of ['nullable', 'primaryKey', 'mergeKey', 'hardDelete'] as const) {
      if (typeof hint[key] === 'boolean') column[key] = hint[key] as boolean;
    }
    if (typeof hint.precision === 'number') column.precision = hint.precision;
    if (typeof hint.scale === 'number') column.scale = hint.scale;
    if (written === 'wei' && column.precision === undefined) {
      // dlt's wei on Postgres: numeric(156,78).
      column.precision = 156;
      column.scale ??= 78;
    }
    const at = (key: string) =>
      formatPath(
        Array.isArray(located.value) ? [...located.path] : [...located.path, name, keyIn(key, spelling)],
      );
    if (dataType === 'timestamp' && column.precision !== undefined && column.precision > 6) {
      issues.push({ path: at('precision'), message: 'a timestamp holds at most 6 fractional second digits' });
    }
    if (column.scale !== undefined && column.precision !== undefined && column.scale > column.precision) {
      issues.push({
        path: at('scale'),
        message: `scale ${column.scale} is more than precision ${column.precision}`,
      });
    }
    if (column.hardDelete) hardDelete.push(name);
    hints.push(column);
  }
  if (hardDelete.length > 1) {
    issues.push({
      path: formatPath(located.path),
      message: `only one column may be hard_delete (${hardDelete.join(', ')} are)`,
    });
  }
  return hints;
}

function schemaContract(value: unknown): SchemaContract | undefined {
  if (typeof value === 'string' && contractModes.includes(value)) {
    const mode = value as ContractMode;
    return { tables: mode, columns: mode, dataType: mode };
  }
  if (!isPlainObject(value)) return undefined;
  const mode = (key: string) => {
    const item = read(value, key);
    return typeof item === 'string' && contractModes.includes(item) ? (item as ContractMode) : 'evolve';
  };
  return { tables: mode('tables'), columns: mode('columns'), dataType: mode('dataType') };
}

function fieldList(located: Located | undefined): string[] {
  const value = located?.value;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

type HintFields = Partial<
  Record<'tableName' | 'columns' | 'maxTableNesting' | 'schemaContract' | 'mergeKey', Located>
>;

/** Reads a resource's table hints (`table_name`, `columns`, `max_table_nesting`, `schema_contract`, `merge_key`). */
export function readResourceHints(
  fields: HintFields,
  spelling: Spelling,
  issues: ConfigIssue[],
): ResourceHints {
  const hints: ResourceHints = { primaryKey: [] };
  if (typeof fields.tableName?.value === 'string') hints.tableName = fields.tableName.value;
  if (typeof fields.maxTableNesting?.value === 'number') hints.maxTableNesting = fields.maxTableNesting.value;
  const contract = schemaContract(fields.schemaContract?.value);
  if (contract !== undefined) hints.schemaContract = contract;
  const mergeKey = fieldList(fields.mergeKey);
  if (fields.columns !== undefined) {
    const columns = columnHints(fields.columns, spelling, issues);
    if (columns.length > 0) hints.columns = columns;
    for (const column of columns) {
      if (column.primaryKey) hints.primaryKey.push(column.name);
      if (column.mergeKey && !mergeKey.includes(column.name)) mergeKey.push(column.name);
    }
  }
  if (mergeKey.length > 0) hints.mergeKey = mergeKey;
  return hints;
}

/**
 * Two resources loading into one table (through `table_name`) is a config error: each table
 * belongs to one resource, whose state and write disposition it follows.
 */
export function checkTableNames(
  resources: readonly { name: string; tableName?: string; path: ConfigPath }[],
  spelling: Spelling,
  issues: ConfigIssue[],
): void {
  const owners = new Map<string, { name: string; hinted: boolean }>();
  for (const resource of resources) {
    const table = normalizeSegment(resource.tableName ?? resource.name);
    const owner = owners.get(table);
    const hinted = resource.tableName !== undefined;
    if (owner === undefined) {
      owners.set(table, { name: resource.name, hinted });
      continue;
    }
    if (!hinted && !owner.hinted) continue;
    issues.push({
      path: formatPath([...resource.path, hinted ? keyIn('tableName', spelling) : 'name']),
      message: `resource "${resource.name}" would load into table "${table}", which is already resource "${owner.name}"'s: give each resource its own ${keyIn('tableName', spelling)}`,
    });
  }
}
