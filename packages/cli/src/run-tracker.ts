import type { RestsyncEvent } from '@restsync/core';

/** What the CLI knows about one resource while a run goes on. */
export interface ResourceProgress {
  name: string;
  pages: number;
  /** Records fetched so far. */
  rows: number;
  /** Rows committed to the destination so far in this run (root and child tables). */
  committedRows: number;
  retries: number;
  /** Total time spent (or being spent) waiting before retries, in milliseconds. */
  waitedMs: number;
  /** When the current wait ends (epoch ms); 0 when not waiting. */
  waitingUntil: number;
  /** Why the current wait happened, e.g. `HTTP 429`. */
  waitReason: string | undefined;
  /** When the first event of this resource arrived (epoch ms). */
  startedAt: number | undefined;
  /** When the resource finished (epoch ms). */
  doneAt: number | undefined;
}

/** Counts pages, rows, retries and waits per resource from the pipeline's events. */
export interface RunTracker {
  onEvent(event: RestsyncEvent): void;
  /** Every resource seen (or declared), in first-seen order. */
  resources(): ResourceProgress[];
  /** Retries over all resources. */
  retries(): number;
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
  const entry = (name: string): ResourceProgress => {
    let progress = entries.get(name);
    if (!progress) {
      progress = {
        name,
        pages: 0,
        rows: 0,
        committedRows: 0,
        retries: 0,
        waitedMs: 0,
        waitingUntil: 0,
        waitReason: undefined,
        startedAt: undefined,
        doneAt: undefined,
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
        case 'page': {
          const progress = touch(event.resource);
          progress.pages += 1;
          progress.rows += event.records;
          break;
        }
        case 'batch_loaded': {
          touch(event.resource).committedRows += event.rows;
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
  };
}
