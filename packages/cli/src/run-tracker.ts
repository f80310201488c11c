import { type RestsyncEvent, systemColumns } from '@restsync/core';

/** What the CLI knows about one resource while a run goes on. */
export interface ResourceProgress {
  name: string;
  /**
   * The run loads it (false: a deselected parent, `selected: false`, fetched only for its children).
   * Resources the tracker was told of are selected; one first seen in an event is not.
   */
  selected: boolean;
  pages: number;
  /** Records fetched so far. */
  rows: number;
  /** Rows committed to the destination so far in this run (root and child tables). */
  committedRows: number;
  /** Batches with rows of this resource committed so far in this run. */
  committedBatches: number;
  /** Rows committed per table (the resource's root table and its child tables). */
  tables: Record<string, number>;
  /** Why its (last) request sequence stopped, e.g. `no next page`; `failed` or `cancelled` when the run ended first. */
  stopReason: string | undefined;
  retries: number;
  /** Total time spent (or being spent) waiting before retries and for the rate limit, in milliseconds. */
  waitedMs: number;
  /** The part of `waitedMs` spent waiting for the client's own rate limit (`rate_limit_wait`). */
  rateLimitWaitedMs: number;
  /** When the current wait ends (epoch ms); 0 when not waiting. */
  waitingUntil: number;
  /** Why the current wait happened, e.g. `HTTP 429`. */
  waitReason: string | undefined;
  /**
   * What the resource is expected to fetch in this run, when its paginator knows (an API total, a
   * maximum offset); undefined when unknown, or when the resource runs several request sequences.
   */
  total: { records?: number; pages?: number } | undefined;
  /** Rows the destination inserted / updated (merge), when it reports them; summed over batches. */
  inserted: number | undefined;
  updated: number | undefined;
  /** Where the run continues the resource from its stored state (the `resume` event), if it does. */
  resumedFrom: string | undefined;
  /** When the first event of this resource arrived (epoch ms). */
  startedAt: number | undefined;
  /** When the resource finished (epoch ms). */
  doneAt: number | undefined;
  /** When the run failed or was cancelled while this resource was still going (epoch ms). */
  failedAt: number | undefined;
}

/** A table this run created, or columns it added to an existing one (from `schema_changed` events). */
export interface SchemaGrowth {
  table: string;
  /** The table did not exist before this run. */
  created: boolean;
  /** The columns added (for a created table: its data columns, without restsync's own). */
  columns: string[];
}

/** Counts pages, rows, retries and waits per resource from the pipeline's events. */
export interface RunTracker {
  onEvent(event: RestsyncEvent): void;
  /** Every resource seen (or declared), in first-seen order. */
  resources(): ResourceProgress[];
  /** Retries over all resources. */
  retries(): number;
  /** Tables created and columns added in this run, in the order they happened. */
  schemaGrowth(): SchemaGrowth[];
  /** Rows and batches committed in this run over all resources. */
  committed(): { rows: number; batches: number };
  /** Marks every resource that started but did not finish as stopped by `reason` (`failed`, `cancelled`). */
  markStopped(reason: 'failed' | 'cancelled'): void;
}

export interface RunTrackerOptions {
  /** Resources to list even before they have an event (in this order). @default [] */
  resources?: string[];
  /** Clock. @default Date.now */
  now?: () => number;
}

export function createRunTracker(options: RunTrackerOptions = {}): RunTracker {
  const now = options.now ?? Date.now;
  const entries = new Map<string, ResourceProgress>();
  const declared = options.resources === undefined ? undefined : new Set(options.resources);
  // Resources that ran more than one request sequence: no single total tells their end.
  const severalSequences = new Set<string>();
  const entry = (name: string): ResourceProgress => {
    let progress = entries.get(name);
    if (!progress) {
      progress = {
        name,
        selected: declared === undefined || declared.has(name),
        pages: 0,
        rows: 0,
        committedRows: 0,
        committedBatches: 0,
        tables: {},
        stopReason: undefined,
        retries: 0,
        waitedMs: 0,
        rateLimitWaitedMs: 0,
        waitingUntil: 0,
        waitReason: undefined,
        total: undefined,
        inserted: undefined,
        updated: undefined,
        resumedFrom: undefined,
        startedAt: undefined,
        doneAt: undefined,
        failedAt: undefined,
      };
      entries.set(name, progress);
    }
    return progress;
  };
  const touch = (name: string): ResourceProgress => {
    const progress = entry(name);
    progress.startedAt ??= now();
    return progress;
  };
  for (const name of options.resources ?? []) entry(name);
  const growth = new Map<string, SchemaGrowth>();
  let batches = 0;
  const systemColumnNames = new Set<string>(Object.values(systemColumns));

  return {
    onEvent(event) {
      switch (event.type) {
        case 'request': {
          const progress = touch(event.resource);
          progress.waitingUntil = 0;
          progress.waitReason = undefined;
          break;
        }
        case 'retry': {
          const progress = touch(event.resource);
          progress.retries += 1;
          progress.waitedMs += event.delayMs;
          progress.waitingUntil = now() + event.delayMs;
          progress.waitReason = event.reason;
          break;
        }
        case 'rate_limit_wait': {
          const progress = touch(event.resource);
          progress.waitedMs += event.waitMs;
          progress.rateLimitWaitedMs += event.waitMs;
          break;
        }
        case 'page': {
          const progress = touch(event.resource);
          // A second sequence (a child's next parent, a parallel part): the first one's total no longer tells the end.
          if (event.index === 0 && progress.pages > 0) severalSequences.add(event.resource);
          progress.total = severalSequences.has(event.resource) ? undefined : (event.total ?? progress.total);
          progress.pages += 1;
          progress.rows += event.records;
          break;
        }
        case 'batch_loaded': {
          const progress = touch(event.resource);
          progress.committedRows += event.rows;
          progress.committedBatches += 1;
          batches += 1;
          if (event.inserted !== undefined) progress.inserted = (progress.inserted ?? 0) + event.inserted;
          if (event.updated !== undefined) progress.updated = (progress.updated ?? 0) + event.updated;
          for (const [table, rows] of Object.entries(event.tables)) {
            progress.tables[table] = (progress.tables[table] ?? 0) + rows;
          }
          break;
        }
        case 'resume': {
          entry(event.resource).resumedFrom = event.from;
          break;
        }
        case 'pagination_done': {
          touch(event.resource).stopReason = event.reason;
          break;
        }
        case 'schema_changed': {
          const known = growth.get(event.table);
          const created = known?.created ?? event.added.includes(systemColumns.loadId);
          const columns = event.added.filter((column) => !systemColumnNames.has(column));
          growth.set(event.table, {
            table: event.table,
            created,
            columns: [...new Set([...(known?.columns ?? []), ...columns])],
          });
          break;
        }
        case 'resource_done': {
          const progress = touch(event.resource);
          progress.doneAt = now();
          progress.waitingUntil = 0;
          break;
        }
        default:
          break;
      }
    },
    resources: () => [...entries.values()],
    retries: () => [...entries.values()].reduce((sum, progress) => sum + progress.retries, 0),
    schemaGrowth: () => [...growth.values()].filter((entry) => entry.created || entry.columns.length > 0),
    committed: () => ({
      rows: [...entries.values()].reduce((sum, progress) => sum + progress.committedRows, 0),
      batches,
    }),
    markStopped(reason) {
      for (const progress of entries.values()) {
        if (progress.doneAt !== undefined) continue;
        progress.stopReason = reason;
        if (progress.startedAt !== undefined) progress.failedAt = now();
      }
    },
  };
}
