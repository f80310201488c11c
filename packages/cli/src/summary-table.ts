import { normalizeIdentifier, type ResourceRunStats, type RunResult } from '@restsync/core';
import type { ResourceProgress, RunTracker } from './run-tracker';

const numberFormat = new Intl.NumberFormat('en-US');

function formatDuration(durationMs: number): string {
  if (durationMs < 60_000) return `${(durationMs / 1000).toFixed(1)} s`;
  const minutes = Math.floor(durationMs / 60_000);
  return `${minutes} min ${Math.round((durationMs % 60_000) / 1000)} s`;
}

function rate(rows: number, durationMs: number): string {
  return durationMs > 0 ? `${numberFormat.format(Math.round(rows / (durationMs / 1000)))}` : '';
}

/** Inserted / updated rows of a resource: from the run's result, else from its committed batches. */
function writeCounts(
  stats: ResourceRunStats | undefined,
  progress: ResourceProgress | undefined,
): { inserted?: number | undefined; updated?: number | undefined } {
  return { inserted: stats?.inserted ?? progress?.inserted, updated: stats?.updated ?? progress?.updated };
}

function resourceTime(progress: ResourceProgress | undefined): number | undefined {
  if (progress?.startedAt === undefined) return undefined;
  const end = progress.doneAt ?? progress.failedAt;
  return end === undefined ? undefined : Math.max(0, end - progress.startedAt);
}

type Row = string[];

/**
 * Tables written (root tables with their resource's pages, time, rows/s and inserted/updated when
 * the destination reports them, then child tables), and resources that wrote none.
 */
function tableRows(result: Omit<RunResult, 'summary'>, tracker: RunTracker | undefined): Row[] {
  const progressOf = new Map(tracker?.resources().map((progress) => [progress.name, progress]));
  const resources = Object.entries(result.resources);
  const counted = resources.some(([name, stats]) => {
    const counts = writeCounts(stats, progressOf.get(name));
    return counts.inserted !== undefined || counts.updated !== undefined;
  });
  const optional = (value: number | undefined) => (value === undefined ? '' : numberFormat.format(value));
  const rows: Row[] = [];
  const tablesSeen = new Set<string>();
  for (const [resource, stats] of resources) {
    const table = normalizeIdentifier(resource);
    tablesSeen.add(table);
    const progress = progressOf.get(resource);
    const row = [table, numberFormat.format(result.tables[table] ?? 0), numberFormat.format(stats.pages)];
    if (tracker) {
      const time = resourceTime(progress);
      row.push(
        time === undefined ? '' : formatDuration(time),
        time === undefined ? '' : rate(stats.rows, time),
      );
    }
    if (counted) {
      const counts = writeCounts(stats, progress);
      row.push(optional(counts.inserted), optional(counts.updated));
    }
    rows.push(row);
  }
  for (const [table, count] of Object.entries(result.tables)) {
    if (!tablesSeen.has(table)) rows.push([table, numberFormat.format(count)]);
  }
  const header = ['table', 'rows', 'pages'];
  if (tracker) header.push('time', 'rows/s');
  if (counted) header.push('inserted', 'updated');
  return [header, ...rows.sort((first, second) => (first[0] ?? '').localeCompare(second[0] ?? ''))];
}

/** `2.1 s before retries`, `0.5 s for the rate limit`, or both: `2.6 s (2.1 s before retries, 0.5 s for the rate limit)`. */
function waitedParts(waitedMs: number, rateLimitMs: number): string {
  const retries = `${formatDuration(waitedMs - rateLimitMs)} before retries`;
  const limit = `${formatDuration(rateLimitMs)} for the rate limit`;
  if (rateLimitMs <= 0) return retries;
  if (rateLimitMs >= waitedMs) return limit;
  return `${formatDuration(waitedMs)} (${retries}, ${limit})`;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${numberFormat.format(count)} ${count === 1 ? word : words}`;
}

/** `new tables: users (id, name), users__tags` and `new columns: orders.discount`, from the run's schema changes. */
function schemaLines(tracker: RunTracker | undefined): string[] {
  const growth = tracker?.schemaGrowth() ?? [];
  const created = growth.filter((entry) => entry.created);
  const added = growth.filter((entry) => !entry.created);
  const lines: string[] = [];
  if (created.length > 0) {
    lines.push(
      `  new tables: ${created.map((entry) => `${entry.table} (${entry.columns.join(', ')})`).join(', ')}`,
    );
  }
  if (added.length > 0) {
    const columns = added.flatMap((entry) => entry.columns.map((column) => `${entry.table}.${column}`));
    lines.push(`  new columns: ${columns.join(', ')}`);
  }
  return lines;
}

/**
 * The table printed after a run: a status line, one line per table with its rows (and for a
 * resource's root table its pages, time and rows/s, with inserted / updated rows when the
 * destination reports them), then totals: rows, pages, retries, time waited (before retries and for the rate limit), rows/s
 * and the load id, and the tables and columns the run created. Without a tracker: rows and pages only.
 */
export function formatSummaryTable(result: Omit<RunResult, 'summary'>, tracker?: RunTracker): string {
  const [header = [], ...body] = tableRows(result, tracker);
  const columns = header.length;
  const widths = header.map((_, column) =>
    Math.max(...[header, ...body].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: Row) =>
    `  ${widths
      .map((width, column) => {
        const cell = row[column] ?? '';
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')}`.trimEnd();
  const rule = `  ${'─'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (columns - 1))}`;
  const mark = result.status === 'succeeded' ? '✔' : '✖';
  const totalRows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
  const totals = [
    plural(totalRows, 'row'),
    plural(result.pages, 'page'),
    plural(result.retries, 'retry', 'retries'),
  ];
  if (tracker) {
    const waited = tracker.resources().reduce((sum, progress) => sum + progress.waitedMs, 0);
    const limited = tracker.resources().reduce((sum, progress) => sum + progress.rateLimitWaitedMs, 0);
    if (waited > 0) totals.push(`waited ${waitedParts(waited, limited)}`);
    const fetched = Object.values(result.resources).reduce((sum, stats) => sum + stats.rows, 0);
    if (result.durationMs > 0) totals.push(`${rate(fetched, result.durationMs)} rows/s`);
  }
  totals.push(`load ${result.loadId}`);
  return [
    `${mark} Pipeline "${result.pipeline}" ${result.status} in ${formatDuration(result.durationMs)}`,
    `  destination ${result.destination}, dataset "${result.dataset}"`,
    '',
    line(header),
    rule,
    ...body.map(line),
    rule,
    `  ${totals.join(', ')}`,
    ...schemaLines(tracker),
  ].join('\n');
}
