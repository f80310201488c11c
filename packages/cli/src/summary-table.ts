import type { RunResult } from '@restsync/core';

const numberFormat = new Intl.NumberFormat('en-US');

function formatSeconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

/** The table printed after a run: one line per table with its rows, then pages, retries and time. */
export function formatSummaryTable(result: RunResult): string {
  const rows: [string, string, string][] = [['table', 'rows', 'pages']];
  for (const [table, count] of Object.entries(result.tables)) {
    const resource = result.resources[table];
    rows.push([table, numberFormat.format(count), resource ? numberFormat.format(resource.pages) : '']);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: [string, string, string]) =>
    `  ${row[0].padEnd(widths[0] ?? 0)}  ${row[1].padStart(widths[1] ?? 0)}  ${row[2].padStart(widths[2] ?? 0)}`;
  const separator = `  ${'-'.repeat((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 4)}`;
  return [
    `✔ ${result.pipeline}: ${result.status} in ${formatSeconds(result.durationMs)} → ${result.destination} (dataset "${result.dataset}")`,
    line(rows[0] as [string, string, string]),
    separator,
    ...rows.slice(1).map(line),
    separator,
    `  ${numberFormat.format(result.pages)} pages, ${numberFormat.format(result.retries)} retries, load ${result.loadId}`,
  ].join('\n');
}
