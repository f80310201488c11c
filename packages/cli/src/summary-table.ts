import { normalizeIdentifier, type RunResult } from '@restsync/core';

const numberFormat = new Intl.NumberFormat('en-US');

function formatDuration(durationMs: number): string {
  if (durationMs < 60_000) return `${(durationMs / 1000).toFixed(1)} s`;
  const minutes = Math.floor(durationMs / 60_000);
  return `${minutes} min ${Math.round((durationMs % 60_000) / 1000)} s`;
}

type Row = [table: string, rows: string, pages: string];

/** Tables written (root tables with their resource's pages, then child tables), and resources that wrote none. */
function tableRows(result: Omit<RunResult, 'summary'>): Row[] {
  const rows: Row[] = [];
  const tablesSeen = new Set<string>();
  for (const [resource, stats] of Object.entries(result.resources)) {
    const table = normalizeIdentifier(resource);
    tablesSeen.add(table);
    rows.push([table, numberFormat.format(result.tables[table] ?? 0), numberFormat.format(stats.pages)]);
  }
  for (const [table, count] of Object.entries(result.tables)) {
    if (!tablesSeen.has(table)) rows.push([table, numberFormat.format(count), '']);
  }
  return rows.sort((first, second) => first[0].localeCompare(second[0]));
}

/**
 * The table printed after a run: a status line, one line per table with its rows (and the pages of
 * the resource that filled it), then totals: pages, retries, duration and the load id.
 */
export function formatSummaryTable(result: Omit<RunResult, 'summary'>): string {
  const header: Row = ['table', 'rows', 'pages'];
  const body = tableRows(result);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[header, ...body].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: Row) =>
    `  ${row[0].padEnd(widths[0] ?? 0)}  ${row[1].padStart(widths[1] ?? 0)}  ${row[2].padStart(widths[2] ?? 0)}`.trimEnd();
  const rule = `  ${'─'.repeat((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 4)}`;
  const mark = result.status === 'succeeded' ? '✔' : '✖';
  const totalRows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
  return [
    `${mark} Pipeline "${result.pipeline}" ${result.status} in ${formatDuration(result.durationMs)}`,
    `  destination ${result.destination}, dataset "${result.dataset}"`,
    '',
    line(header),
    rule,
    ...body.map(line),
    rule,
    `  ${numberFormat.format(totalRows)} rows, ${numberFormat.format(result.pages)} pages, ` +
      `${numberFormat.format(result.retries)} ${result.retries === 1 ? 'retry' : 'retries'}, load ${result.loadId}`,
  ].join('\n');
}
