/** Counts for one resource in a run. */
export interface ResourceRunStats {
  rows: number;
  pages: number;
  /**
   * Records of the resource's root table the destination inserted (new keys, for `merge`), summed
   * over the committed batches. Only when the destination reports counts (`writeCounts`); see
   * `TableWriteCounts` for what counts per write disposition and merge strategy.
   */
  inserted?: number;
  /** Records of the resource's root table that overwrote a stored record (`merge`); as `inserted`. */
  updated?: number;
}

/**
 * What `pipeline.run()` returns, and what a `RunCancelledError` carries for a cancelled run.
 * Every string in it is redacted.
 */
export interface RunResult {
  loadId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  pipeline: string;
  dataset: string;
  /** The destination's description, password redacted. */
  destination: string;
  resources: Record<string, ResourceRunStats>;
  /** Rows committed per table in this run (root and child tables). */
  tables: Record<string, number>;
  /** Batches committed in this run (each one transaction with its state). */
  batches: number;
  /** Pages fetched (for a cancelled run, also pages whose rows were not committed). */
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
  if (result.status === 'cancelled') {
    lines.push(`  Cancelled: ${committedText(result)}; the next run resumes after them.`);
  }
  return lines.join('\n');
}

function plural(count: number, singular: string, pluralForm: string): string {
  return `${numberFormat.format(count)} ${count === 1 ? singular : pluralForm}`;
}

/** `2 batches (10,000 rows) committed in this run`: exactly what a run kept. */
export function committedText(result: Pick<RunResult, 'batches' | 'tables'>): string {
  const rows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
  return `${plural(result.batches, 'batch', 'batches')} (${plural(rows, 'row', 'rows')}) committed in this run`;
}
