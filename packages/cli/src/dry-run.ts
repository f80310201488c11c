import {
  createEventBus,
  createNormalizer,
  type RestsyncEvent,
  type Row,
  type TableSchema,
} from '@restsync/core';
import type { PreparedRun } from './prepare-run';

/** What `--dry-run` found: per resource its pages, records and a few samples; the tables it would create. */
export interface DryRunResult {
  /** Pages fetched per request sequence (`--limit-pages`, default 1). */
  pagesPerResource: number;
  resources: Record<string, { pages: number; records: number; samples: Record<string, unknown>[] }>;
  /** The tables and columns a load would create or use, inferred from the records fetched. */
  tables: Array<
    Pick<TableSchema, 'name' | 'resource' | 'primaryKey' | 'writeDisposition'> & {
      parent?: string;
      columns: Array<{ name: string; type: string; nullable: boolean }>;
    }
  >;
}

export interface DryRunOptions {
  /** Pages per request sequence; the prepared source is already limited to it. */
  pagesPerResource: number;
  /** Receive every (redacted) event: progress, `--verbose`. */
  listeners?: Array<(event: RestsyncEvent) => void>;
  signal?: AbortSignal;
  /** Records kept per resource to show. @default 3 */
  samples?: number;
}

/**
 * `--dry-run`: fetches the prepared (page-limited) source without opening the destination, infers
 * the schema a load would create, and keeps a few records per resource. Writes nothing anywhere.
 */
export async function dryRun(prepared: PreparedRun, options: DryRunOptions): Promise<DryRunResult> {
  const { source } = prepared;
  const sampleCount = options.samples ?? 3;
  const events = createEventBus({ redactor: source.redactor, listeners: options.listeners ?? [] });
  const normalizer = createNormalizer({
    resources: source.resources,
    nesting: prepared.destination.capabilities.nesting,
    ...(prepared.destination.capabilities.maxIdentifierLength === undefined
      ? {}
      : { maxIdentifierLength: prepared.destination.capabilities.maxIdentifierLength }),
  });
  const resources: DryRunResult['resources'] = Object.fromEntries(
    source.resources.map((resource) => [resource.name, { pages: 0, records: 0, samples: [] }]),
  );
  for await (const page of source.pages({ events, ...(options.signal ? { signal: options.signal } : {}) })) {
    const entry = resources[page.resource];
    if (!entry) continue;
    entry.pages += 1;
    entry.records += page.records.length;
    for (const record of page.records.slice(0, sampleCount - entry.samples.length)) {
      entry.samples.push(source.redactor.redactValue(record) as Record<string, unknown>);
    }
    normalizer.normalize(page.resource, page.records as Row[], 'dry_run');
  }
  const tables = normalizer.schema().tables.map((table) => ({
    name: table.name,
    resource: table.resource,
    ...(table.parent === undefined ? {} : { parent: table.parent }),
    primaryKey: table.primaryKey,
    writeDisposition: table.writeDisposition,
    columns: table.columns
      .filter((column) => !column.name.startsWith('_restsync_'))
      .map((column) => ({ name: column.name, type: column.type, nullable: column.nullable })),
  }));
  return { pagesPerResource: options.pagesPerResource, resources, tables };
}

const maxSampleWidth = 160;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The dry run as text: samples per resource, then each table with its columns and types. */
export function formatDryRun(result: DryRunResult, destination: string): string {
  const lines = [
    `Dry run: at most ${plural(result.pagesPerResource, 'page')} per request sequence; nothing was written to ${destination}.`,
    '',
  ];
  for (const [name, entry] of Object.entries(result.resources)) {
    lines.push(`${name}: ${plural(entry.pages, 'page')}, ${plural(entry.records, 'record')}`);
    for (const sample of entry.samples) {
      const text = JSON.stringify(sample);
      lines.push(`  ${text.length > maxSampleWidth ? `${text.slice(0, maxSampleWidth - 1)}…` : text}`);
    }
  }
  lines.push('', 'Inferred schema:');
  if (result.tables.length === 0) lines.push('  (no records, no tables)');
  for (const table of result.tables) {
    const details = [
      table.writeDisposition,
      ...(table.primaryKey.length > 0 ? [`primary key ${table.primaryKey.join(', ')}`] : []),
      ...(table.parent === undefined ? [] : [`child of ${table.parent}`]),
    ];
    lines.push(`  ${table.name} (${details.join(', ')})`);
    const width = Math.max(0, ...table.columns.map((column) => column.name.length));
    for (const column of table.columns) {
      lines.push(`    ${column.name.padEnd(width)}  ${column.type}${column.nullable ? '' : ' not null'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
