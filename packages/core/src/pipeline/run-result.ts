/** Counts for one resource in a run. */
export interface ResourceRunStats {
  rows: number;
  pages: number;
}

/** What `pipeline.run()` returns. Every string in it is redacted. */
export interface RunResult {
  loadId: string;
  status: 'succeeded' | 'failed';
  pipeline: string;
  dataset: string;
  /** The destination's description, password redacted. */
  destination: string;
  resources: Record<string, ResourceRunStats>;
  /** Rows written per table (root and child tables). */
  tables: Record<string, number>;
  pages: number;
  retries: number;
  durationMs: number;
  /** A short human-readable report: rows per table, pages, retries, duration. */
  summary(): string;
}

export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  if (durationMs < 60_000) return `${(durationMs / 1000).toFixed(1)} s`;
  const minutes = Math.floor(durationMs / 60_000);
  return `${minutes} min ${Math.round((durationMs % 60_000) / 1000)} s`;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function summarize(result: Omit<RunResult, 'summary'>): string {
  const lines = [
    `Pipeline "${result.pipeline}" ${result.status} in ${formatDuration(result.durationMs)} ` +
      `(load ${result.loadId}) → ${result.destination}, dataset "${result.dataset}"`,
  ];
  const tableNames = Object.keys(result.tables);
  const width = Math.max(5, ...tableNames.map((name) => name.length));
  for (const name of tableNames) {
    lines.push(`  ${name.padEnd(width)}  ${numberFormat.format(result.tables[name] ?? 0).padStart(10)} rows`);
  }
  lines.push(`  ${numberFormat.format(result.pages)} pages, ${numberFormat.format(result.retries)} retries`);
  return lines.join('\n');
}
