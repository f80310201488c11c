import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../contracts/destination';
import { ConfigError, SchemaError } from '../errors';
import type { RestsyncEvent } from '../events';
import { createMemoryStore, memoryDestination } from './__fixtures__/memory-destination';
import { memorySource } from './__fixtures__/memory-source';
import { pipeline } from './pipeline';

function records(count: number, generation = 1) {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    name: `name-${index + 1}-g${generation}`,
    nested: { a: index, b: `b${generation}` },
  }));
}

describe('pipeline.run', () => {
  it('should load every record in bounded batches, each with the state it leads to', async () => {
    const destination = memoryDestination();
    const result = await pipeline({ name: 'test', destination, batchSize: 100 }).run(
      memorySource({ pageSize: 30, records: records(250) }),
    );
    expect(result.status).toBe('succeeded');
    expect(result.resources.items).toEqual({ rows: 250, pages: 9 });
    expect(result.tables.items).toBe(250);
    expect(destination.store.tables.get('items')?.size).toBe(250);
    // 30-record pages into 100-row batches: flushed at 120, 240, then the rest.
    expect(destination.store.batches.map((batch) => batch.tables[0]?.rows.length)).toEqual([120, 120, 10]);
    expect(destination.store.batches[0]?.states[0]).toMatchObject({
      status: 'in_progress',
      checkpoint: { offset: 120 },
    });
    expect(destination.store.states.get('items')?.status).toBe('complete');
    const row = destination.store.tables.get('items')?.get('[1]');
    expect(row).toMatchObject({
      id: 1,
      name: 'name-1-g1',
      nested__a: 0,
      nested__b: 'b1',
      _restsync_load_id: result.loadId,
    });
  });

  it('should write a batch once its rows reach batchBytes, before batchSize rows', async () => {
    const destination = memoryDestination();
    const wide = Array.from({ length: 40 }, (_, index) => ({ id: index + 1, text: 'x'.repeat(20_000) }));
    const result = await pipeline({ name: 'test', destination, batchSize: 1_000, batchBytes: 200_000 }).run(
      memorySource({ pageSize: 5, records: wide }),
    );
    expect(result.tables.items).toBe(40);
    // Five 20 kB rows a page: two pages pass 200 kB, so every second page flushes.
    expect(destination.store.batches.map((batch) => batch.tables[0]?.rows.length)).toEqual([10, 10, 10, 10]);
    expect(destination.store.tables.get('items')?.size).toBe(40);
  });

  it('should send the schema with the first batch and again only when it changes', async () => {
    const destination = memoryDestination();
    const data = [...records(3), { id: 4, name: 'x', nested: { a: 1, b: 'b' }, extra: true }];
    await pipeline({ name: 'test', destination, batchSize: 3 }).run(
      memorySource({ pageSize: 3, records: data }),
    );
    expect(destination.store.batches.map((batch) => batch.schema?.version)).toEqual([1, 2]);
    const columns = destination.store.schemas.at(-1)?.tables[0]?.columns.map((column) => column.name);
    expect(columns).toContain('extra');
  });

  it('should record the failed load, keep committed batches, and resume from the last checkpoint on rerun', async () => {
    const store = createMemoryStore();
    const failing = memoryDestination({ store, failOnWrite: 2 });
    const firstSource = memorySource({ pageSize: 50, records: records(300) });
    await expect(
      pipeline({ name: 'test', destination: failing, batchSize: 100 }).run(firstSource),
    ).rejects.toThrow('injected failure on write 2');
    expect([...store.loads.values()][0]).toMatchObject({
      status: 'failed',
      error: 'injected failure on write 2',
    });
    expect(store.tables.get('items')?.size).toBe(100);
    expect(store.states.get('items')).toMatchObject({ status: 'in_progress', checkpoint: { offset: 100 } });

    const secondSource = memorySource({ pageSize: 50, records: records(300) });
    const result = await pipeline({
      name: 'test',
      destination: memoryDestination({ store }),
      batchSize: 100,
    }).run(secondSource);
    expect(secondSource.startedFrom).toEqual([{ offset: 100 }]);
    expect(result.resources.items?.rows).toBe(200);
    expect(store.tables.get('items')?.size).toBe(300);
    expect(store.states.get('items')?.status).toBe('complete');
  });

  it('should resume from a state stored by 0.x and carry over the fields of the stored document', async () => {
    const store = createMemoryStore();
    const cursors = { '': { cursorPath: 'updated_at', lastValue: '2024-01-01T00:00:00Z' } };
    // A 0.x state (no formatVersion) that also holds fields this pipeline does not manage.
    store.states.set('items', {
      resource: 'items',
      status: 'in_progress',
      checkpoint: { offset: 200 },
      loadId: 'load-0',
      updatedAt: '2024-01-02T00:00:00Z',
      incremental: { cursors },
      futureField: 'kept',
    } as unknown as ResourceState);
    const source = memorySource({ pageSize: 50, records: records(300) });
    const result = await pipeline({
      name: 'test',
      destination: memoryDestination({ store }),
      batchSize: 50,
    }).run(source);
    expect(source.startedFrom).toEqual([{ offset: 200 }]);
    expect(result.resources.items?.rows).toBe(100);
    expect(store.batches[0]?.states[0]).toMatchObject({
      formatVersion: 1,
      status: 'in_progress',
      checkpoint: { offset: 250 },
      incremental: { cursors },
      futureField: 'kept',
    });
    expect(store.states.get('items')).toEqual({
      formatVersion: 1,
      resource: 'items',
      status: 'complete',
      loadId: result.loadId,
      updatedAt: expect.any(String),
      incremental: { cursors },
      futureField: 'kept',
    });
  });

  // Regression: a fetch failure used to close the session while the previous batch was still being written.
  it('should wait for the batch being written before recording a fetch failure', async () => {
    const steps: string[] = [];
    const destination = memoryDestination({ writeDelayMs: 30, trace: (step) => steps.push(step) });
    const source = memorySource({ pageSize: 10, records: records(50), failAtPage: 2 });
    await expect(pipeline({ name: 'test', destination, batchSize: 10 }).run(source)).rejects.toThrow(
      'API failed at page 2',
    );
    expect(steps.slice(-3)).toEqual(['write:end', 'finishLoad', 'close']);
    expect(destination.store.tables.get('items')?.size).toBe(20);
  });

  it('should start from the beginning after a completed run', async () => {
    const store = createMemoryStore();
    await pipeline({ name: 'test', destination: memoryDestination({ store }) }).run(
      memorySource({ pageSize: 10, records: records(20) }),
    );
    const again = memorySource({ pageSize: 10, records: records(20, 2) });
    await pipeline({ name: 'test', destination: memoryDestination({ store }) }).run(again);
    expect(again.startedFrom).toEqual([{}]);
    expect(store.tables.get('items')?.size).toBe(20);
    expect(store.tables.get('items')?.get('[20]')).toMatchObject({ name: 'name-20-g2' });
  });

  it('should refuse merge without a primary key before fetching anything', async () => {
    const source = memorySource({ pageSize: 10, records: records(5), resource: { primaryKey: [] } });
    const destination = memoryDestination();
    const error = await pipeline({ name: 'test', destination })
      .run(source)
      .catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'resource "items" uses write disposition "merge", which needs a primary key',
    );
    expect(source.startedFrom).toEqual([]);
  });

  it('should name the resource and the page when a record has no primary key', async () => {
    const data = [{ id: 1 }, { name: 'no id' }];
    const error = await pipeline({ name: 'test', destination: memoryDestination() })
      .run(memorySource({ pageSize: 10, records: data }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toMatch(/items/);
    expect((error as Error).message).toContain('page 1');
  });

  it('should emit redacted events and count retries', async () => {
    const events: RestsyncEvent[] = [];
    const result = await pipeline({
      name: 'test',
      destination: memoryDestination(),
      onEvent: (event) => events.push(event),
    }).run(memorySource({ pageSize: 10, records: records(15), retries: 2 }));
    expect(result.retries).toBe(2);
    const types = new Set(events.map((event) => event.type));
    expect([...types]).toEqual(
      expect.arrayContaining(['retry', 'page', 'schema_changed', 'batch_loaded', 'resource_done']),
    );
    expect(JSON.stringify(events)).not.toContain('secret-value');
    expect(events.find((event) => event.type === 'resource_done')).toMatchObject({
      resource: 'items',
      rows: 15,
      pages: 2,
    });
  });

  it('should summarise rows per table, pages, retries and duration', async () => {
    const result = await pipeline({ name: 'demo', destination: memoryDestination() }).run(
      memorySource({ pageSize: 10, records: records(12) }),
    );
    const summary = result.summary();
    expect(summary).toContain('Pipeline "demo" succeeded');
    expect(summary).toMatch(/items\s+12 rows/);
    expect(summary).toContain('2 pages, 0 retries');
    expect(summary).toContain('dataset "demo_dataset"');
  });
});
