import type { Source, SourcePage } from '../contracts/source';
import type { EventBus, EventListener, RestsyncEvent } from '../events';
import { estimateRowsBytes } from './batch-buffer';

/**
 * The pages a run fetches while its destination opens (see `Source.earlyStart`): the source starts
 * from scratch (no checkpoints, no incremental cursors) and a bounded number of its pages is read
 * ahead. Once the stored state is known, the run either adopts them, when it would have started the
 * source the same way, or discards them: their requests are aborted and their pages and events are
 * dropped, as if never fetched.
 */
export interface EarlyPages {
  /**
   * The source's stream for the run: the pages read ahead, then the rest as they arrive. The events
   * the source emitted so far reach `events` now, in order, and every later one as it comes.
   */
  adopt(events: EventBus): AsyncIterable<SourcePage>;
  /** Aborts the read-ahead and drops what it read; nothing once adopted. Never throws. */
  discard(): Promise<void>;
}

export interface EarlyPagesOptions {
  /** The run's cancellation. */
  signal?: AbortSignal | undefined;
  maxConcurrency?: number | undefined;
  /** The read-ahead stops once it holds this many records... */
  maxRecords: number;
  /** ...or this many estimated bytes of them, whichever comes first. */
  maxBytes: number;
}

/** Starts `source.pages()` from scratch and reads pages ahead up to the bounds; see `EarlyPages`. */
export function startEarlyPages(source: Source, options: EarlyPagesOptions): EarlyPages {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const held = new HeldEvents();
  // Started inside the read-ahead, so a source that throws at once fails the run once it is open.
  let iterator: AsyncIterator<SourcePage> | undefined;
  const start = () =>
    source
      .pages({
        events: held,
        checkpoints: {},
        incremental: {},
        signal,
        ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
      })
      [Symbol.asyncIterator]();

  const queue: SourcePage[] = [];
  let records = 0;
  let bytes = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let settled: 'adopted' | 'discarded' | undefined;
  let makeRoom: (() => void) | undefined;

  // Reads pages until the read-ahead is full, then waits until the run settles: once adopted, the
  // stream reads the source itself; the page being read when the run settles still joins the queue.
  const readAhead = (async () => {
    try {
      iterator = start();
      for (;;) {
        if (records >= options.maxRecords || bytes >= options.maxBytes) {
          await new Promise<void>((resolve) => {
            makeRoom = resolve;
          });
        }
        if (settled !== undefined) return;
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          return;
        }
        queue.push(next.value);
        records += next.value.records.length;
        if (next.value.records.length > 0) bytes += estimateRowsBytes(next.value.records);
        if (settled !== undefined) return;
      }
    } catch (error) {
      failure = { error };
    }
  })();

  const settle = (how: 'adopted' | 'discarded') => {
    settled = how;
    makeRoom?.();
  };

  async function* stream(): AsyncGenerator<SourcePage> {
    let finished = false;
    try {
      await readAhead;
      yield* queue.splice(0);
      if (failure) throw failure.error;
      if (!ended && iterator !== undefined) {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          yield next.value;
        }
      }
      finished = true;
    } finally {
      // The run stopped reading early (a failure, a cancellation): the source releases what it holds.
      if (!finished) await iterator?.return?.();
    }
  }

  return {
    adopt(events) {
      if (settled !== undefined) throw new Error(`early pages were already ${settled}`);
      settle('adopted');
      held.release(events);
      return stream();
    },
    async discard() {
      if (settled !== undefined) return;
      settle('discarded');
      controller.abort(new Error('the pages read ahead were discarded'));
      await readAhead;
      queue.length = 0;
      await Promise.resolve(iterator?.return?.()).catch(() => undefined);
    },
  };
}

/** An event bus that holds what it is given until `release`, then passes everything on to the run's bus. */
class HeldEvents implements EventBus {
  private events: RestsyncEvent[] = [];
  private listeners = new Set<{ listener: EventListener; off?: () => void }>();
  private target: EventBus | undefined;

  emit(event: RestsyncEvent): void {
    if (this.target) this.target.emit(event);
    else this.events.push(event);
  }

  on(listener: EventListener): () => void {
    if (this.target) return this.target.on(listener);
    const entry: { listener: EventListener; off?: () => void } = { listener };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
      entry.off?.();
    };
  }

  release(target: EventBus): void {
    this.target = target;
    for (const entry of this.listeners) entry.off = target.on(entry.listener);
    for (const event of this.events) target.emit(event);
    this.events = [];
  }
}
