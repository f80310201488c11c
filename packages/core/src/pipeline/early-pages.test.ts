import { describe, expect, it } from 'vitest';
import type { Source, SourcePage, SourceRunOptions } from '../contracts/source';
import { createEventBus, type RestsyncEvent } from '../events';
import { createRedactor } from '../redact';
import { startEarlyPages } from './early-pages';

interface ScriptedSourceOptions {
  pages: number;
  pageSize: number;
  /** Each record carries this text (wide rows for the byte bound). @default '' */
  text?: string;
  /** Throws instead of producing this page (0-based). */
  failAt?: number;
  /** Waits for the run's signal instead of producing this page (0-based), as a request that never answers. */
  hangAt?: number;
  /** Called with the run's options when `pages()` starts, before any page. */
  onStart?: (run: SourceRunOptions) => void;
}

/**
 * A source whose pages come from memory, one `page` event before each. Every page it started to
 * produce counts in `started`; `closed` turns true when its generator is finished or returned.
 */
function scriptedSource(options: ScriptedSourceOptions) {
  const observed = { started: 0, closed: false, runs: [] as SourceRunOptions[] };
  const source: Source = {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'scripted',
    resources: [{ name: 'items', primaryKey: ['id'], writeDisposition: 'append', nested: 'flatten' }],
    redactor: createRedactor([]),
    earlyStart: true,
    async *pages(run: SourceRunOptions): AsyncGenerator<SourcePage> {
      observed.runs.push(run);
      options.onStart?.(run);
      try {
        for (let index = 0; index < options.pages; index += 1) {
          observed.started += 1;
          if (index === options.failAt) throw new Error(`API failed at page ${index}`);
          if (index === options.hangAt) {
            await new Promise((_resolve, reject) => {
              run.signal?.throwIfAborted();
              run.signal?.addEventListener('abort', () => reject(run.signal?.reason), { once: true });
            });
          }
          const records = Array.from({ length: options.pageSize }, (_, offset) => ({
            id: index * options.pageSize + offset + 1,
            text: options.text ?? '',
          }));
          const url = `http://api.test/items?page=${index}`;
          run.events.emit({
            type: 'page',
            resource: 'items',
            index,
            url,
            status: 200,
            records: records.length,
          });
          yield {
            resource: 'items',
            index,
            request: { method: 'GET', url, headers: {} },
            response: { status: 200, headers: new Headers(), body: records },
            records,
          };
        }
      } finally {
        observed.closed = true;
      }
    },
  };
  return { source, observed };
}

/** Lets every pending microtask run: the scripted source produces its pages without any I/O. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function collect(pages: AsyncIterable<SourcePage>): Promise<SourcePage[]> {
  const result: SourcePage[] = [];
  for await (const page of pages) result.push(page);
  return result;
}

function recordingBus() {
  const events: RestsyncEvent[] = [];
  const bus = createEventBus({ listeners: [(event) => events.push(event)] });
  const pageIndexes = () => events.flatMap((event) => (event.type === 'page' ? [event.index] : []));
  return { bus, events, pageIndexes };
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('startEarlyPages', () => {
  it('should start the source from scratch with its own abortable signal and the run concurrency', async () => {
    const { source, observed } = scriptedSource({ pages: 1, pageSize: 1 });
    const run = new AbortController();

    const early = startEarlyPages(source, {
      signal: run.signal,
      maxConcurrency: 2,
      maxRecords: 10,
      maxBytes: 1_000_000,
    });
    await settle();

    expect(observed.runs).toHaveLength(1);
    expect(observed.runs[0]).toMatchObject({ checkpoints: {}, incremental: {}, maxConcurrency: 2 });
    expect(observed.runs[0]?.signal?.aborted).toBe(false);
    run.abort(new Error('stopped by the user'));
    expect(observed.runs[0]?.signal?.aborted).toBe(true);
    await early.discard();
  });

  it('should read pages ahead until it holds maxRecords records, and no page more', async () => {
    const { source, observed } = scriptedSource({ pages: 20, pageSize: 10 });

    const early = startEarlyPages(source, { maxRecords: 25, maxBytes: Number.POSITIVE_INFINITY });
    await settle();

    // 25 records are reached with the third page; a fourth would hold more than one batch.
    expect(observed.started).toBe(3);
    await early.discard();
  });

  it('should read pages ahead until they hold maxBytes estimated bytes, before maxRecords', async () => {
    const { source, observed } = scriptedSource({ pages: 20, pageSize: 10, text: 'x'.repeat(10_000) });

    // A page of ten 10 kB records is estimated at more than 100 kB: the first page reaches the bound.
    const early = startEarlyPages(source, { maxRecords: 1_000, maxBytes: 100_000 });
    await settle();

    expect(observed.started).toBe(1);
    await early.discard();
  });

  it('should yield the pages read ahead, then the rest as the source goes on, each once and in order', async () => {
    const { source, observed } = scriptedSource({ pages: 10, pageSize: 10 });
    const early = startEarlyPages(source, { maxRecords: 25, maxBytes: Number.POSITIVE_INFINITY });
    await settle();

    const pages = await collect(early.adopt(recordingBus().bus));

    expect(pages.map((page) => page.index)).toEqual(range(10));
    expect(pages.flatMap((page) => page.records.map((record) => record.id))).toEqual(
      range(100).map((index) => index + 1),
    );
    expect(observed.runs).toHaveLength(1);
    expect(observed.closed).toBe(true);
  });

  it('should yield every page when the source ended within the read-ahead', async () => {
    const { source, observed } = scriptedSource({ pages: 3, pageSize: 10 });
    const early = startEarlyPages(source, { maxRecords: 1_000, maxBytes: Number.POSITIVE_INFINITY });
    await settle();
    expect(observed.closed).toBe(true);

    const pages = await collect(early.adopt(recordingBus().bus));

    expect(pages.map((page) => page.index)).toEqual([0, 1, 2]);
  });

  it('should replay the events held before adopt in order, then pass each later one on as it comes', async () => {
    const { source } = scriptedSource({ pages: 6, pageSize: 10 });
    const early = startEarlyPages(source, { maxRecords: 20, maxBytes: Number.POSITIVE_INFINITY });
    await settle();
    const target = recordingBus();
    expect(target.events).toEqual([]);

    const pages = early.adopt(target.bus);
    // The two pages read ahead: their events arrive at adopt, before any page is consumed.
    expect(target.pageIndexes()).toEqual([0, 1]);
    await collect(pages);

    expect(target.pageIndexes()).toEqual(range(6));
  });

  it('should move a listener the source added to the held bus to the run bus', async () => {
    const heard: RestsyncEvent[] = [];
    let removeListener: (() => void) | undefined;
    const { source } = scriptedSource({
      pages: 4,
      pageSize: 10,
      onStart: (run) => {
        removeListener = run.events.on((event) => heard.push(event));
      },
    });
    const early = startEarlyPages(source, { maxRecords: 20, maxBytes: Number.POSITIVE_INFINITY });
    await settle();
    // Held events reach no one before adopt, not even the source's own listener.
    expect(heard).toEqual([]);

    const target = recordingBus();
    const pages = early.adopt(target.bus);
    const heardIndexes = () => heard.flatMap((event) => (event.type === 'page' ? [event.index] : []));
    expect(heardIndexes()).toEqual([0, 1]);
    target.bus.emit({ type: 'log', level: 'info', message: 'emitted on the run bus' });
    expect(heard.at(-1)).toMatchObject({ message: 'emitted on the run bus' });

    // The function `on` returned before adopt removes the listener from the run bus.
    removeListener?.();
    await collect(pages);
    expect(heardIndexes()).toEqual([0, 1]);
    expect(target.pageIndexes()).toEqual(range(4));
  });

  it('should abort the source, drop its pages and events and close it on discard', async () => {
    let signal: AbortSignal | undefined;
    const { source, observed } = scriptedSource({
      pages: 10,
      pageSize: 10,
      hangAt: 2,
      onStart: (run) => {
        signal = run.signal;
      },
    });
    const early = startEarlyPages(source, { maxRecords: 1_000, maxBytes: Number.POSITIVE_INFINITY });
    await settle();
    // Two pages read ahead; the third never answers.
    expect(observed.started).toBe(3);

    await early.discard();

    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ message: 'the pages read ahead were discarded' });
    expect(observed.closed).toBe(true);
    // Its pages and events can no longer reach a run.
    expect(() => early.adopt(recordingBus().bus)).toThrow('early pages were already discarded');
  });

  it('should discard a read-ahead that is waiting for room', async () => {
    const { source, observed } = scriptedSource({ pages: 10, pageSize: 10 });
    const early = startEarlyPages(source, { maxRecords: 10, maxBytes: Number.POSITIVE_INFINITY });
    await settle();

    await early.discard();
    await settle();

    expect(observed.started).toBe(1);
    expect(observed.closed).toBe(true);
  });

  it('should do nothing on discard after adopt: the adopted stream reads on to the end', async () => {
    let signal: AbortSignal | undefined;
    const { source } = scriptedSource({
      pages: 5,
      pageSize: 10,
      onStart: (run) => {
        signal = run.signal;
      },
    });
    const early = startEarlyPages(source, { maxRecords: 20, maxBytes: Number.POSITIVE_INFINITY });
    const target = recordingBus();
    const pages = early.adopt(target.bus);

    await early.discard();

    expect(signal?.aborted).toBe(false);
    expect((await collect(pages)).map((page) => page.index)).toEqual(range(5));
    expect(target.pageIndexes()).toEqual(range(5));
  });

  it('should throw on a second adopt', () => {
    const { source } = scriptedSource({ pages: 1, pageSize: 1 });
    const early = startEarlyPages(source, { maxRecords: 10, maxBytes: Number.POSITIVE_INFINITY });
    early.adopt(recordingBus().bus);

    expect(() => early.adopt(recordingBus().bus)).toThrow('early pages were already adopted');
  });

  it("should yield the pages read before the source's failure, then throw it, and leave nothing unhandled", async () => {
    const { source } = scriptedSource({ pages: 10, pageSize: 10, failAt: 2 });
    const early = startEarlyPages(source, { maxRecords: 1_000, maxBytes: Number.POSITIVE_INFINITY });
    // The failure happens before adopt; it must wait for the run, not reject on its own.
    await settle();

    const indexes: number[] = [];
    const error = await (async () => {
      for await (const page of early.adopt(recordingBus().bus)) indexes.push(page.index);
    })().catch((failure: unknown) => failure);

    expect(indexes).toEqual([0, 1]);
    expect((error as Error).message).toBe('API failed at page 2');
  });

  it('should hold a source that throws as soon as pages() is called until the run adopts it, then throw', async () => {
    const source: Source = {
      ...scriptedSource({ pages: 1, pageSize: 1 }).source,
      pages() {
        throw new Error('the source cannot start');
      },
    };
    const early = startEarlyPages(source, { maxRecords: 10, maxBytes: Number.POSITIVE_INFINITY });
    await settle();

    await expect(collect(early.adopt(recordingBus().bus))).rejects.toThrow('the source cannot start');
  });

  it('should close the source when the run stops reading the adopted stream early', async () => {
    const { source, observed } = scriptedSource({ pages: 10, pageSize: 10 });
    const early = startEarlyPages(source, { maxRecords: 20, maxBytes: Number.POSITIVE_INFINITY });
    await settle();

    for await (const page of early.adopt(recordingBus().bus)) {
      if (page.index === 3) break;
    }

    expect(observed.closed).toBe(true);
    expect(observed.started).toBe(4);
  });
});
