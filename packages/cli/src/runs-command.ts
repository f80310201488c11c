import { ConfigError, type LoadRecord } from '@restsync/core';
import type { PreparedRun } from './prepare-run';

/** One past load as `restsync runs` shows it. */
export interface RunEntry {
  loadId: string;
  status: LoadRecord['status'];
  startedAt: string;
  finishedAt: string | null;
  /** Null while running. */
  durationMs: number | null;
  /** Rows over every table. */
  rows: number;
  /** Rows per table. */
  tables: Record<string, number>;
  error: string | null;
}

/** Reads the pipeline's loads from `_restsync_loads`, newest first. */
export async function readRuns(prepared: PreparedRun, limit: number): Promise<RunEntry[]> {
  const session = await prepared.destination.open({
    pipeline: prepared.pipelineName,
    dataset: prepared.dataset,
  });
  try {
    if (!session.readLoads) {
      throw new ConfigError([
        {
          path: 'destination',
          message: `destination "${prepared.destination.type}" cannot list its loads (its session has no readLoads)`,
        },
      ]);
    }
    const loads = await session.readLoads(limit);
    return loads.map((load) => {
      const tables = load.rows ?? {};
      return {
        loadId: load.loadId,
        status: load.status,
        startedAt: load.startedAt,
        finishedAt: load.finishedAt ?? null,
        durationMs:
          load.finishedAt === undefined ? null : Date.parse(load.finishedAt) - Date.parse(load.startedAt),
        rows: Object.values(tables).reduce((sum, count) => sum + count, 0),
        tables,
        error: load.error ?? null,
      };
    });
  } finally {
    await session.close();
  }
}

const numberFormat = new Intl.NumberFormat('en-US');

function duration(milliseconds: number | null): string {
  if (milliseconds === null) return '-';
  if (milliseconds < 1000) return `${milliseconds} ms`;
  const seconds = milliseconds / 1000;
  return seconds < 60
    ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)} m ${Math.round(seconds % 60)} s`;
}

/** A table: started, status, rows, duration, load id; an error line under a failed load. */
export function formatRuns(runs: RunEntry[], pipelineName: string, dataset: string): string {
  if (runs.length === 0)
    return `No loads recorded for pipeline "${pipelineName}" in dataset "${dataset}" yet.\n`;
  const header = ['started', 'status', 'rows', 'duration', 'load id'];
  const rows = runs.map((run) => [
    run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    run.status,
    numberFormat.format(run.rows),
    duration(run.durationMs),
    run.loadId,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const lines = [`Loads of pipeline "${pipelineName}" in dataset "${dataset}", newest first:`, line(header)];
  for (const [index, run] of runs.entries()) {
    lines.push(line(rows[index] ?? []));
    if (run.error !== null && run.status !== 'succeeded') lines.push(`  ${run.error}`);
  }
  return `${lines.join('\n')}\n`;
}
