import type { Schema, TableSchema } from '../contracts/schema';
import { systemColumns } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { fitIdentifier, normalizeSegment } from './identifier';
import { migrateSchema } from './schema-migration';
import { SchemaTracker } from './schema-tracker';
import { type FieldNode, TableState } from './table-state';

function copyTable(table: TableSchema): TableSchema {
  return {
    ...table,
    columns: table.columns.map((column) => ({ ...column })),
    primaryKey: [...table.primaryKey],
  };
}

/**
 * A resource's merge strategy and `scd2` settings (a merge table only), with the column names
 * normalized (kept as written in documents mode, where fields keep their names).
 */
function mergeSettings(
  resource: ResourceInfo,
  documents: boolean,
): [TableSchema['mergeStrategy'], TableSchema['scd2']] {
  const name = documents ? (field: string) => field : normalizeSegment;
  if (resource.writeDisposition !== 'merge') return [undefined, undefined];
  const { scd2 } = resource;
  // upsert is the default: left out, so tables stored before strategies existed do not change.
  if (resource.mergeStrategy === undefined || resource.mergeStrategy === 'upsert')
    return [undefined, undefined];
  if (resource.mergeStrategy !== 'scd2' || scd2 === undefined) return [resource.mergeStrategy, undefined];
  const { rowVersionColumn, ...rest } = scd2;
  return [
    'scd2',
    {
      ...rest,
      validFrom: name(scd2.validFrom),
      validTo: name(scd2.validTo),
      ...(rowVersionColumn === undefined ? {} : { rowVersionColumn: name(rowVersionColumn) }),
    },
  ];
}

/** Every table of the dataset: the stored ones and those created since, with their name allocation. */
export class SchemaRegistry {
  readonly tracker: SchemaTracker;
  private readonly tables = new Map<string, TableState>();
  private readonly order: TableState[] = [];
  private readonly roots = new Map<string, TableState>();
  private readonly claimed = new Set<TableState>();

  constructor(
    stored: Schema | undefined,
    private readonly maxLength: number,
    private readonly documents: boolean,
  ) {
    this.tracker = new SchemaTracker(stored?.version ?? 0);
    for (const table of migrateSchema(stored)?.tables ?? []) {
      const state = new TableState(copyTable(table), this.tracker, maxLength, documents, true);
      this.tables.set(table.name, state);
      this.order.push(state);
      if (table.parent === undefined && !this.roots.has(table.resource))
        this.roots.set(table.resource, state);
    }
  }

  /** The root table of a resource, created (named after the resource) on first use. */
  rootTable(resource: ResourceInfo): TableState {
    const existing = this.roots.get(resource.name);
    if (existing !== undefined && !this.isRootNamed(existing, resource)) this.roots.delete(resource.name);
    if (!this.roots.has(resource.name) && resource.tableName !== undefined) {
      // A table_name set (or changed) since the last run: its stored table, when there is one.
      const stored = this.tables.get(this.rootName(resource));
      if (stored?.schema.parent === undefined && stored?.schema.resource === resource.name) {
        this.roots.set(resource.name, stored);
      }
    }
    return this.resolveRoot(resource);
  }

  /** Whether the resource's root table exists (stored, or created in this run). */
  hasRootTable(resource: ResourceInfo): boolean {
    return this.existingRoot(resource) !== undefined;
  }

  /**
   * Whether the resource's root rows take their key as `_restsync_id` (`TableSchema.rowIds`): yes
   * for a table `rootTable` would create now, as its table says for an existing one.
   */
  rootIdsFromKey(resource: ResourceInfo): boolean {
    const existing = this.existingRoot(resource);
    return existing === undefined || existing.schema.rowIds === 'key';
  }

  private existingRoot(resource: ResourceInfo): TableState | undefined {
    const existing = this.roots.get(resource.name);
    if (existing !== undefined) return this.isRootNamed(existing, resource) ? existing : undefined;
    if (resource.tableName === undefined) return undefined;
    const stored = this.tables.get(this.rootName(resource));
    return stored?.schema.parent === undefined && stored?.schema.resource === resource.name
      ? stored
      : undefined;
  }

  /** The table a field's arrays go to, when it exists already (stored, or created in this run); see `childTable`. */
  existingChildTable(parent: TableState, node: FieldNode): TableState | undefined {
    if (node.childTable !== undefined) return node.childTable;
    for (let suffix = 1; ; suffix++) {
      const fullName = `${parent.name}__${node.fullName}`;
      const name = fitIdentifier(suffix === 1 ? fullName : `${fullName}_${suffix}`, this.maxLength);
      const existing = this.tables.get(name);
      if (existing === undefined) return undefined;
      if (
        existing.schema.parent === parent.name &&
        existing.schema.resource === parent.schema.resource &&
        !this.claimed.has(existing)
      ) {
        return existing;
      }
    }
  }

  /** The name a resource's root table asks for: its `table_name`, or the resource's name, normalized. */
  private rootName(resource: ResourceInfo): string {
    return fitIdentifier(normalizeSegment(resource.tableName ?? resource.name), this.maxLength);
  }

  /** Without `table_name` any stored root of the resource will do (it may carry a suffix); with it, only that table. */
  private isRootNamed(table: TableState, resource: ResourceInfo): boolean {
    return resource.tableName === undefined || table.name === this.rootName(resource);
  }

  private resolveRoot(resource: ResourceInfo): TableState {
    const existing = this.roots.get(resource.name);
    if (existing !== undefined) {
      existing.configureMerge(...mergeSettings(resource, this.documents));
      return existing;
    }
    const name = this.allocate(normalizeSegment(resource.tableName ?? resource.name), () => false);
    const state = this.create({
      name,
      resource: resource.name,
      columns: [],
      primaryKey: [],
      writeDisposition: resource.writeDisposition,
      rowIds: 'key',
    });
    state.configureMerge(...mergeSettings(resource, this.documents));
    this.roots.set(resource.name, state);
    return state;
  }

  /**
   * The child table a field's arrays become: `<parent>__<field>`. A stored table of that name under
   * the same parent is reused; the first field to claim a name keeps it, a later one gets `_2`….
   */
  childTable(parent: TableState, node: FieldNode): TableState {
    const resource = parent.schema.resource;
    let child: TableState | undefined;
    const name = this.allocate(`${parent.name}__${node.fullName}`, (existing) => {
      const matches =
        existing.schema.parent === parent.name &&
        existing.schema.resource === resource &&
        !this.claimed.has(existing);
      if (matches) child = existing;
      return matches;
    });
    if (child === undefined) {
      child = this.create({
        name,
        resource,
        parent: parent.name,
        columns: [],
        primaryKey: [systemColumns.id],
        writeDisposition: parent.schema.writeDisposition,
      });
    }
    child.configure([systemColumns.id], parent.schema.writeDisposition);
    this.claimed.add(child);
    node.childTable = child;
    return child;
  }

  table(name: string): TableState | undefined {
    return this.tables.get(name);
  }

  schema(): Schema {
    return { version: this.tracker.version, tables: this.order.map((state) => state.snapshot()) };
  }

  private create(schema: TableSchema): TableState {
    const state = new TableState(schema, this.tracker, this.maxLength, this.documents);
    this.tables.set(schema.name, state);
    this.order.push(state);
    this.tracker.created(schema.name);
    return state;
  }

  /** The first of `fullName`, `<fullName>_2`… (length-limited) that is free or that `claim` accepts. */
  private allocate(fullName: string, claim: (existing: TableState) => boolean): string {
    for (let suffix = 1; ; suffix++) {
      const name = fitIdentifier(suffix === 1 ? fullName : `${fullName}_${suffix}`, this.maxLength);
      const existing = this.tables.get(name);
      if (existing === undefined || claim(existing)) return name;
    }
  }
}
