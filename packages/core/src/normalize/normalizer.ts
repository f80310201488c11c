import type { TableBatch } from '../contracts/destination';
import type { Schema, TableSchema } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { ConfigError, SchemaError } from '../errors';
import { documentRow } from './documents';
import { type FlattenContext, flattenRecord, keyNode, maxFlattenDepth, preparePrimaryKey } from './flatten';
import { assertMaxIdentifierLength, defaultMaxIdentifierLength } from './identifier';
import { orderedDistinct } from './ordered-keys';
import { checkMergeKeys, type PrimaryKeyField, primaryKeyFields, rootRowIds } from './primary-key';
import { SchemaRegistry } from './schema-registry';
import type { SchemaChange } from './schema-tracker';
import { hintKey, type TableState } from './table-state';
import { isPlainObject } from './value-types';

export type { SchemaChange } from './schema-tracker';

export interface NormalizerOptions {
  /** The resources whose records will be normalized (name, primary key, write disposition, nesting). */
  resources: ResourceInfo[];
  /** The stored schema from the destination; evolution starts from it (never drops columns). */
  schema?: Schema;
  /**
   * `flatten` for SQL destinations (snake_case names, `parent__child` columns, child tables for
   * arrays); `documents` keeps nesting (MongoDB): one table per resource, nested values untouched,
   * only top-level columns inferred (objects/arrays → json).
   */
  nesting: 'flatten' | 'documents';
  /** Longest identifier in bytes; longer names are truncated and end with a hash. @default 63 */
  maxIdentifierLength?: number;
  /**
   * Receives warnings about the data, each once per run and column: a value that does not fit its
   * hinted type (kept in a variant column). The pipeline emits them as `warning` events.
   */
  onWarning?: (warning: { resource: string; code: string; message: string }) => void;
}

export interface Normalizer {
  /**
   * Normalizes one page of records of a resource into rows per table (root table first, then child
   * tables). Mutates the schema as needed. Throws `SchemaError` for a record without its primary key.
   */
  normalize(resource: string, records: Record<string, unknown>[], loadId: string): TableBatch[];
  /** The current schema (version = stored version + number of `normalize()` calls that changed it). */
  schema(): Schema;
  /** Changes since the last call (empty when none); the pipeline sends the new schema with the next batch when non-empty. */
  takeChanges(): SchemaChange[];
  /** Table schema by name. */
  table(name: string): TableSchema | undefined;
}

interface ResourceEntry {
  info: ResourceInfo;
  keys: PrimaryKeyField[];
  /** The merge key fields (`merge_key`). */
  mergeKeys: PrimaryKeyField[];
}

function validate(options: NormalizerOptions): void {
  const issues = options.resources.flatMap((resource) =>
    resource.primaryKey
      .filter((field) => options.nesting === 'flatten' && field.split('.').length > maxFlattenDepth + 1)
      .map((field) => ({
        path: `resources.${resource.name}.primaryKey`,
        message: `primary key field "${field}" is nested deeper than ${maxFlattenDepth} objects, where objects are kept as json; use a shallower key`,
      })),
  );
  if (issues.length > 0) throw new ConfigError(issues);
}

/**
 * Creates the normalizer of one pipeline run: turns pages of records into rows per table and
 * evolves the schema (see docs/naming-and-types.md for every rule).
 *
 * @example
 * const normalizer = createNormalizer({ resources: source.resources, schema: stored, nesting: 'flatten' });
 * const batches = normalizer.normalize('users', page.records, loadId);
 */
export function createNormalizer(options: NormalizerOptions): Normalizer {
  const maxLength = options.maxIdentifierLength ?? defaultMaxIdentifierLength;
  assertMaxIdentifierLength(maxLength);
  validate(options);
  const documents = options.nesting === 'documents';
  const registry = new SchemaRegistry(options.schema, maxLength, documents);
  const resources = new Map<string, ResourceEntry>(
    options.resources.map((info) => [
      info.name,
      {
        info,
        keys: primaryKeyFields(info),
        mergeKeys: primaryKeyFields({ ...info, primaryKey: info.mergeKey ?? [] }),
      },
    ]),
  );
  const warned = new Set<string>();
  const warn = (resource: string) => (code: string, key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    options.onWarning?.({ resource, code, message });
  };

  function prepareRoot(table: TableState, entry: ResourceEntry, records: readonly unknown[]): void {
    if (table.primaryKeyNodes !== undefined) return;
    table.applyHints(entry.info.columns ?? []);
    const first = records.find(isPlainObject);
    if (documents || entry.keys.length === 0) {
      table.primaryKeyNodes = [];
      table.configure([...entry.info.primaryKey], entry.info.writeDisposition);
    } else if (first !== undefined) {
      preparePrimaryKey(table, entry.info, entry.keys, first);
    }
    prepareKeyHints(table, entry, first);
  }

  /** The merge key and hard-delete columns of a root table (`TableSchema.mergeKey`, `hardDelete`). */
  function prepareKeyHints(
    table: TableState,
    entry: ResourceEntry,
    first: Record<string, unknown> | undefined,
  ): void {
    const hardDeleteHint = entry.info.columns?.find((hint) => hint.hardDelete);
    const hardDelete =
      hardDeleteHint === undefined
        ? undefined
        : documents
          ? hardDeleteHint.name
          : table.columnName(hintKey(hardDeleteHint.name));
    let mergeKey: string[] = [];
    if (documents) mergeKey = entry.mergeKeys.map((key) => key.field);
    else if (first !== undefined)
      mergeKey = entry.mergeKeys.map((key) => keyNode(table, key, first).column!.name);
    else if (entry.mergeKeys.length > 0) return;
    table.configureHints(mergeKey, hardDelete);
  }

  /** Whether the resource's root table may be created (`schema_contract` tables); throws under freeze. */
  function rootAllowed(entry: ResourceEntry): boolean {
    const mode = entry.info.schemaContract?.tables ?? 'evolve';
    if (mode === 'evolve' || registry.hasRootTable(entry.info)) return true;
    if (mode === 'discard_row' || mode === 'discard_value') return false;
    throw new SchemaError(
      `Resource "${entry.info.name}": schema_contract tables is freeze, and its table "${entry.info.tableName ?? entry.info.name}" does not exist yet; ` +
        'nothing was written. Load it once with tables: evolve, or relax the contract.',
    );
  }

  function normalizeDocuments(
    table: TableState,
    entry: ResourceEntry,
    records: readonly unknown[],
    ids: string[],
    loadId: string,
  ): TableBatch[] {
    const context = { contract: entry.info.schemaContract, warn: warn(entry.info.name) };
    const rows = [];
    for (let index = 0; index < records.length; index++) {
      const row = documentRow(table, entry.info, records[index], index, loadId, ids[index]!, context);
      if (row !== undefined) rows.push(row);
    }
    return [{ table: table.snapshot(), rows }];
  }

  function normalizeFlat(
    table: TableState,
    entry: ResourceEntry,
    records: readonly unknown[],
    ids: string[],
    loadId: string,
  ): TableBatch[] {
    const contract = entry.info.schemaContract;
    const evolving =
      contract === undefined ||
      (contract.tables === 'evolve' && contract.columns === 'evolve' && contract.dataType === 'evolve');
    const context: FlattenContext = {
      registry,
      loadId,
      arraysAsJson: entry.info.nested === 'json',
      touched: [],
      resource: entry.info,
      contract: evolving ? undefined : contract,
      maxNesting: entry.info.maxTableNesting ?? Number.POSITIVE_INFINITY,
      pending: evolving ? undefined : [],
      recordIndex: 0,
      trail: [],
      warn: warn(entry.info.name),
    };
    try {
      for (let index = 0; index < records.length; index++) {
        flattenRecord(context, table, entry.info, entry.keys, records[index], index, ids[index]!);
      }
      return context.touched.map((state) => ({ table: state.snapshot(), rows: state.rows ?? [] }));
    } finally {
      for (const state of context.touched) state.rows = undefined;
    }
  }

  return {
    normalize(resource, records, loadId) {
      const entry = resources.get(resource);
      if (entry === undefined) {
        throw new SchemaError(
          `Resource "${resource}" is not one of the normalizer's resources (${[...resources.keys()].join(', ')}). ` +
            `Pass every resource of the source to createNormalizer().`,
        );
      }
      if (records.length === 0) return [];
      if (!rootAllowed(entry)) return [];
      const keyText = registry.rootIdsFromKey(entry.info);
      const allIds = rootRowIds(entry.info, entry.keys, records, !documents, keyText);
      if (entry.mergeKeys.length > 0) checkMergeKeys(entry.info, entry.mergeKeys, records);
      // A merge key repeated within one page: the last record wins, with its own children only.
      const { kept, ids } =
        entry.info.writeDisposition === 'merge' ? lastPerId(records, allIds) : { kept: records, ids: allIds };
      records = kept;
      try {
        const table = registry.rootTable(entry.info);
        prepareRoot(table, entry, records);
        return documents
          ? normalizeDocuments(table, entry, records, ids, loadId)
          : normalizeFlat(table, entry, records, ids, loadId);
      } finally {
        registry.tracker.endCall();
      }
    },
    schema: () => registry.schema(),
    takeChanges: () => registry.tracker.take(),
    table: (name) => registry.table(name)?.snapshot(),
  };
}

/**
 * Keeps the last record of each id, in order; returns the input itself when every id is unique
 * (proved without a map when the ids are in order, as most APIs page).
 */
function lastPerId(
  records: Record<string, unknown>[],
  ids: string[],
): { kept: Record<string, unknown>[]; ids: string[] } {
  if (orderedDistinct(ids)) return { kept: records, ids };
  const last = new Map<string, number>();
  for (let index = 0; index < ids.length; index += 1) last.set(ids[index] as string, index);
  if (last.size === ids.length) return { kept: records, ids };
  const kept: Record<string, unknown>[] = [];
  const keptIds: string[] = [];
  for (let index = 0; index < ids.length; index += 1) {
    if (last.get(ids[index] as string) !== index) continue;
    kept.push(records[index] as Record<string, unknown>);
    keptIds.push(ids[index] as string);
  }
  return { kept, ids: keptIds };
}
