import type { LeaseHolder } from './contracts/destination';
import type { Redactor } from './redact';

/** Everything the engine reports while it runs. Every string in an event is redacted. */
export type RestsyncEvent =
  | { type: 'request'; resource: string; method: string; url: string; attempt: number }
  | {
      type: 'retry';
      resource: string;
      method: string;
      url: string;
      /** The attempt that failed (1 = first request). */
      attempt: number;
      /** Why it is retried: `HTTP 503`, `ECONNRESET`, ... */
      reason: string;
      status?: number;
      /** How long the engine waits before the next attempt. */
      delayMs: number;
      /** Whether the delay came from a `Retry-After` header. */
      retryAfter: boolean;
    }
  | {
      /**
       * A request waited for the client's own rate limit (`rateLimit`: a token, or a concurrency
       * slot) before it went out. Emitted only when it really waited: 10 ms or more (less is the
       * event loop's own latency, even with a token free).
       */
      type: 'rate_limit_wait';
      resource: string;
      /** How long it waited, in milliseconds (>= 10). */
      waitMs: number;
    }
  | {
      /** A destination operation failed on a lost connection and is repeated on a fresh one. */
      type: 'destination_retry';
      /** What is repeated, e.g. `write a batch of 5000 rows`. */
      operation: string;
      /** The attempt that failed (1 = first). */
      attempt: number;
      /** The destination's error message (redacted). */
      reason: string;
      /** How long the engine waits before the next attempt. */
      delayMs: number;
    }
  | {
      type: 'page';
      resource: string;
      index: number;
      url: string;
      status: number;
      records: number;
      /**
       * What the whole request sequence is expected to fetch, when the paginator knows it (an API
       * total, a maximum offset): records or pages, counted from where the sequence started.
       */
      total?: { records?: number; pages?: number };
    }
  | {
      /**
       * The run continues a resource from its stored state: an interrupted load's checkpoint, or an
       * incremental cursor. `from` says where, e.g. `page 3 (load 1733… interrupted)`.
       */
      type: 'resume';
      resource: string;
      from: string;
    }
  | { type: 'pagination_done'; resource: string; pages: number; reason: string }
  | {
      /** No paginator was configured: the one chosen from the first page, and why. */
      type: 'paginator_detected';
      resource: string;
      /** The chosen `type`, `single_page` when nothing was found. */
      paginator: string;
      /** The config that would choose it explicitly, in dlt's keys. */
      config: Record<string, unknown>;
      reason: string;
    }
  | { type: 'response_ignored'; resource: string; url: string; status: number; reason: string }
  | {
      /** Something the user should know and may act on, reported once per request sequence; the CLI prints it. */
      type: 'warning';
      resource: string;
      /** Stable identifier of the kind of warning, e.g. `page_size_capped`. */
      code: string;
      message: string;
    }
  | {
      /**
       * Another run of the pipeline holds its lease: this run waits up to `waitMs` (`lockTimeoutMs`)
       * for it. Emitted once, when the wait starts; the CLI prints `message`.
       */
      type: 'lease_wait';
      pipeline: string;
      dataset: string;
      holder: LeaseHolder;
      waitMs: number;
      message: string;
    }
  | { type: 'schema_changed'; table: string; version: number; added: string[] }
  | {
      type: 'batch_loaded';
      resource: string;
      rows: number;
      tables: Record<string, number>;
      /** How long the destination took to write the batch (its transaction), in ms. */
      durationMs?: number;
      /**
       * Records of the resource's root table this batch inserted, when the destination reports
       * counts (`writeCounts`); see `TableWriteCounts`.
       */
      inserted?: number;
      /** Records of the resource's root table this batch updated (`merge`), as `inserted`. */
      updated?: number;
    }
  | { type: 'resource_done'; resource: string; rows: number; pages: number }
  | { type: 'log'; level: LogLevel; message: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives events. Must not throw; errors thrown by a listener are ignored. */
export type EventListener = (event: RestsyncEvent) => void;

/** Fan-out of events to listeners; created by the pipeline or the caller. */
export interface EventBus {
  emit(event: RestsyncEvent): void;
  on(listener: EventListener): () => void;
}

export interface EventBusOptions {
  /** Every event is redacted with it before any listener sees it. */
  redactor?: Redactor;
  listeners?: EventListener[];
}

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const listeners = new Set<EventListener>(options.listeners ?? []);
  const redactor = options.redactor;
  return {
    emit(event) {
      if (listeners.size === 0) return;
      const safe = redactor ? redactor.redactValue(event) : event;
      for (const listener of listeners) {
        try {
          listener(safe);
        } catch {
          // A broken listener must not break a sync.
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
