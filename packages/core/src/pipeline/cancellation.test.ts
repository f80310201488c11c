import { describe, expect, it } from 'vitest';
import { RunCancelledError } from '../errors';
import { restApiSource } from '../source/rest-api-source';
import { createMemoryStore, memoryDestination } from './__fixtures__/memory-destination';
import { memorySource } from './__fixtures__/memory-source';
import { pipeline } from './pipeline';
import type { RunResult } from './run-result';

function records(count: number) {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, name: `name-${index + 1}` }));
}

/** Appended rows are keyed by a counter, so a row loaded twice would count twice. */
const appendResource = { writeDisposition: 'append' as const };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('pipeline.run with a signal', () => {
  it('should finish the batch in its transaction, start no new one, and record the load as cancelled', async () => {
    const controller = new AbortController();
    const steps: string[] = [];
    const destination = memoryDestination({
      trace: (step) => {
        steps.push(step);
        // Cancel while the second batch is in its transaction.
        if (step === 'write:start' && steps.filter((entry) => entry === 'write:start').length === 2) {
          controller.abort();
        }
      },
    });
    const source = memorySource({ pageSize: 10, records: records(100), resource: appendResource });

    const error = await rejection(
      pipeline({ name: 'test', destination, batchSize: 20 }).run(source, { signal: controller.signal }),
    );

    expect(RunCancelledError.isInstance(error)).toBe(true);
    expect(steps).toEqual(['write:start', 'write:end', 'write:start', 'write:end', 'finishLoad', 'close']);
    expect(destination.store.tables.get('items')?.size).toBe(40);
    expect(destination.store.states.get('items')).toMatchObject({
      status: 'in_progress',
      checkpoint: { offset: 40 },
    });
    const [load] = [...destination.store.loads.values()];
    expect(load).toMatchObject({ status: 'cancelled', rows: { items: 40 }, error: 'run cancelled' });
    const result = (error as RunCancelledError).result;
    expect(result).toMatchObject({ status: 'cancelled', batches: 2, tables: { items: 40 } });
    expect((error as Error).message).toBe(
      'Pipeline "test" was cancelled (run cancelled): 2 batches (40 rows) committed in this run.',
    );
  });

  it('should resume the rerun from the last commit and end with exactly every row once', async () => {
    const store = createMemoryStore();
    const controller = new AbortController();
    const first = pipeline({ name: 'test', destination: memoryDestination({ store }), batchSize: 20 });
    first.on((event) => {
      if (event.type === 'batch_loaded') controller.abort(new Error('interrupted by SIGINT'));
    });
    const error = await rejection(
      first.run(memorySource({ pageSize: 10, records: records(100), resource: appendResource }), {
        signal: controller.signal,
      }),
    );
    expect(RunCancelledError.isInstance(error)).toBe(true);
    expect([...store.loads.values()][0]).toMatchObject({
      status: 'cancelled',
      error: 'interrupted by SIGINT',
    });
    const committed = store.tables.get('items')?.size ?? 0;
    expect(committed).toBe(20);

    const rerun = memorySource({ pageSize: 10, records: records(100), resource: appendResource });
    const result = await pipeline({
      name: 'test',
      destination: memoryDestination({ store }),
      batchSize: 20,
    }).run(rerun);
    expect(rerun.startedFrom).toEqual([{ offset: 20 }]);
    expect(result.status).toBe('succeeded');
    expect(result.tables.items).toBe(80);
    expect(store.tables.get('items')?.size).toBe(100);
    const ids = [...(store.tables.get('items')?.values() ?? [])].map((row) => row.id);
    expect(new Set(ids).size).toBe(100);
    expect([...store.loads.values()].map((load) => load.status)).toEqual(['cancelled', 'succeeded']);
  });

  it('should roll the batch in its transaction back whole and report the failure when that write fails', async () => {
    const controller = new AbortController();
    let writes = 0;
    const destination = memoryDestination({
      failOnWrite: 2,
      trace: (step) => {
        if (step !== 'write:start') return;
        writes += 1;
        if (writes === 2) controller.abort();
      },
    });
    const error = await rejection(
      pipeline({ name: 'test', destination, batchSize: 20 }).run(
        memorySource({ pageSize: 10, records: records(100) }),
        { signal: controller.signal },
      ),
    );
    expect(RunCancelledError.isInstance(error)).toBe(false);
    expect((error as Error).message).toBe('injected failure on write 2');
    expect(destination.store.tables.get('items')?.size).toBe(20);
    expect([...destination.store.loads.values()][0]).toMatchObject({ status: 'failed' });
  });

  it('should cancel the request in flight and record the load as cancelled', async () => {
    const controller = new AbortController();
    const requestSignals: AbortSignal[] = [];
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      if (signal) requestSignals.push(signal);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.searchParams.get('page') === '1') {
        return Response.json({ data: [{ id: 1 }, { id: 2 }] });
      }
      // The second page never answers: only cancelling the run ends it.
      setImmediate(() => controller.abort());
      return new Promise<Response>((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    };
    const source = restApiSource(
      {
        client: { baseUrl: 'http://api.test' },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: '/items',
              paginator: {
                kind: 'paginator',
                specificationVersion: 'v1',
                type: 'page',
                create: () => {
                  let page = 1;
                  return {
                    first: (request) => ({ ...request, url: `${request.url}?page=${page}` }),
                    next: (current) => {
                      page += 1;
                      return {
                        done: false,
                        request: { ...current.request, url: `http://api.test/items?page=${page}` },
                      };
                    },
                  };
                },
              },
            },
          },
        ],
      },
      { fetch },
    );
    const destination = memoryDestination();
    const error = await rejection(
      pipeline({ name: 'test', destination, batchSize: 1 }).run(source, { signal: controller.signal }),
    );
    expect(RunCancelledError.isInstance(error)).toBe(true);
    expect(requestSignals.at(-1)?.aborted).toBe(true);
    expect(destination.store.tables.get('items')?.size).toBe(2);
    expect([...destination.store.loads.values()][0]).toMatchObject({ status: 'cancelled' });
  });

  it('should load nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const destination = memoryDestination();
    const error = await rejection(
      pipeline({ name: 'test', destination }).run(memorySource({ pageSize: 10, records: records(30) }), {
        signal: controller.signal,
      }),
    );
    expect((error as RunCancelledError).result).toMatchObject({ batches: 0, tables: {} });
    expect(destination.store.batches).toEqual([]);
    expect([...destination.store.loads.values()][0]).toMatchObject({ status: 'cancelled' });
  });

  it('should say in the summary exactly what the cancelled run committed', async () => {
    const controller = new AbortController();
    const run = pipeline({ name: 'demo', destination: memoryDestination(), batchSize: 10 });
    run.on((event) => {
      if (event.type === 'batch_loaded') controller.abort();
    });
    const error = await rejection(
      run.run(memorySource({ pageSize: 10, records: records(50) }), { signal: controller.signal }),
    );
    const result: RunResult = (error as RunCancelledError).result;
    const summary = result.summary();
    expect(summary).toContain('Pipeline "demo" cancelled');
    expect(summary).toContain(
      'Cancelled: 1 batch (10 rows) committed in this run; the next run resumes after them.',
    );
  });
});
