import { type ConfigIssue, normalizeIdentifier, type RestsyncEvent, type RunResult } from '@restsync/core';
import type { CheckResult } from './check-command';
import type { DryRunResult } from './dry-run';
import type { RunTracker, SchemaGrowth } from './run-tracker';
import type { RunEntry } from './runs-command';

/** One resource in the `--json` result of a run. */
export interface JsonResourceResult {
  /** Records fetched (on failure: up to the failure). */
  rows: number;
  pages: number;
  retries?: number;
  /** From its first request to its end (or to the failure). */
  durationMs?: number;
  /** Why its last request sequence stopped (`no next page`, ...), `failed`/`cancelled`, or null when it never ran. */
  stopReason?: string | null;
  /** Rows committed in this run, root and child tables. */
  committedRows?: number;
  /** Time spent waiting before retries (HTTP 429, 503, ...). */
  waitedMs?: number;
  /** Rows committed per table: the resource's root table and its child tables. */
  tables?: Record<string, number>;
  /** The child tables (nested lists) it wrote. */
  childTables?: string[];
  /** Rows of its root table the destination inserted / updated (`merge`), when the destination reports them. */
  inserted?: number;
  updated?: number;
  /** Where this run continued it from its stored state (an interrupted load's page, a cursor), when it did. */
  resumedFrom?: string;
  /** `false` for a deselected parent (`selected: false`), fetched only to feed its children; absent otherwise. */
  selected?: false;
}

/** The one JSON object `--json` prints on stdout, on success and on failure. */
export interface JsonResult {
  /** `cancelled`: stopped by Ctrl-C (SIGINT) or SIGTERM after committing what `error.message` says. */
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Null when the config could not be read. */
  pipeline: string | null;
  dataset: string | null;
  /** The destination, password redacted. */
  destination: string | null;
  /** The load's id (`_restsync_load_id` of its rows); null when the run did not start or failed before its end. */
  loadId?: string | null;
  /** When the command started and ended (ISO 8601). */
  startedAt?: string;
  finishedAt?: string;
  /** Per resource: records fetched, pages, retries, time, why it stopped, tables written. */
  resources: Record<string, JsonResourceResult>;
  retries: number;
  /** Rows committed per table in this run (root and child tables). */
  tables?: Record<string, number>;
  /** Batches committed in this run (each one transaction). */
  batches?: number;
  /** Tables this run created and columns it added. */
  schemaChanges?: SchemaGrowth[];
  /** Wall time of the whole command. */
  durationMs: number;
  /** `state show`: each resource's stored state document (null: none), secrets redacted. */
  states?: Record<string, unknown>;
  /** `run --dry-run`: pages, records and samples per resource, and the inferred tables. Nothing was written. */
  dryRun?: DryRunResult;
  /** `check`: each resource's first request and the destination, reached or not. */
  check?: CheckResult;
  /** `runs`: the pipeline's past loads, newest first. */
  runs?: RunEntry[];
  /** Present when the status is `failed` or `cancelled`. Every string is redacted. */
  error?: {
    /** `config`, `secret`, `http`, `auth`, `rate_limit`, `response`, `pagination`, `schema`, `destination`, `cancelled` or `internal`. */
    code: string;
    message: string;
    /** For `config`: every problem with its path in the config file (or `--destination`, `command line`). */
    issues?: ConfigIssue[];
  };
}

export function emptyJsonResult(): JsonResult {
  return {
    status: 'failed',
    pipeline: null,
    dataset: null,
    destination: null,
    resources: {},
    retries: 0,
    durationMs: 0,
    startedAt: new Date().toISOString(),
  };
}

/** The run's part of the `--json` result, from the tracker (and the run's result when it got one). */
export function runJsonFields(
  tracker: RunTracker,
  result?: Omit<RunResult, 'summary'>,
  now: number = Date.now(),
): Pick<JsonResult, 'loadId' | 'resources' | 'retries' | 'tables' | 'batches' | 'schemaChanges'> {
  const resources: Record<string, JsonResourceResult> = {};
  const tables: Record<string, number> = {};
  for (const progress of tracker.resources()) {
    const root = normalizeIdentifier(progress.name);
    const end = progress.doneAt ?? progress.failedAt ?? now;
    for (const [table, rows] of Object.entries(progress.tables)) tables[table] = (tables[table] ?? 0) + rows;
    const entry: JsonResourceResult = {
      rows: result?.resources[progress.name]?.rows ?? progress.rows,
      pages: result?.resources[progress.name]?.pages ?? progress.pages,
      retries: progress.retries,
      durationMs: progress.startedAt === undefined ? 0 : Math.max(0, end - progress.startedAt),
      stopReason: progress.stopReason ?? (progress.doneAt === undefined ? null : 'done'),
      committedRows: progress.committedRows,
      waitedMs: progress.waitedMs,
      tables: { ...progress.tables },
      childTables: Object.keys(progress.tables).filter((table) => table !== root),
    };
    const stats = result?.resources[progress.name];
    const inserted = stats?.inserted ?? progress.inserted;
    const updated = stats?.updated ?? progress.updated;
    if (inserted !== undefined) entry.inserted = inserted;
    if (updated !== undefined) entry.updated = updated;
    if (progress.resumedFrom !== undefined) entry.resumedFrom = progress.resumedFrom;
    if (!progress.selected) entry.selected = false;
    resources[progress.name] = entry;
  }
  const committed = tracker.committed();
  return {
    loadId: result?.loadId ?? null,
    resources,
    retries: result?.retries ?? tracker.retries(),
    tables: result?.tables ?? tables,
    batches: result?.batches ?? committed.batches,
    schemaChanges: tracker.schemaGrowth(),
  };
}

/** `--json-events`: writes each event as one JSON line, redacted again with the run's secrets. */
export function createJsonEventWriter(
  stream: { write(text: string): unknown },
  redact: (text: string) => string,
): (event: RestsyncEvent) => void {
  return (event) => {
    stream.write(`${redact(JSON.stringify(event))}\n`);
  };
}
