import { describe, expect, it } from 'vitest';
import type { Destination, WriteResult } from '../contracts/destination';
import type { RestsyncEvent } from '../events';
import { stringifyExactJson } from '../http/exact-json';
import { memoryDestination } from './__fixtures__/memory-destination';
import { memorySource } from './__fixtures__/memory-source';
import { pipeline } from './pipeline';

/** The memory destination, reporting a key it already stores as updated and a new one as inserted. */
function countingDestination(): Destination {
  const inner = memoryDestination();
  return {
    ...inner,
    capabilities: { ...inner.capabilities, writeCounts: true },
    async open(options) {
      const session = await inner.open(options);
      return {
        ...session,
        async write(batch) {
          const result: WriteResult = { tables: {} };
          for (const { table, rows } of batch.tables) {
            const stored = inner.store.tables.get(table.name);
            const updated = rows.filter((row) => stored?.has(stringifyExactJson([row.id]))).length;
            result.tables[table.name] = { inserted: rows.length - updated, updated };
          }
          await session.write(batch);
          return result;
        },
      };
    },
  };
}

const records = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => ({ id: from + index, name: `n${from + index}` }));

describe('pipeline.run write counts', () => {
  it('should add up the inserted and updated counts the destination reports, per resource and per batch', async () => {
    const destination = countingDestination();
    const first = await pipeline({ name: 'counts', destination, batchSize: 10 }).run(
      memorySource({ pageSize: 10, records: records(1, 20) }),
    );
    expect(first.resources.items).toMatchObject({ rows: 20, inserted: 20, updated: 0 });

    const events: RestsyncEvent[] = [];
    const second = await pipeline({
      name: 'counts',
      destination,
      batchSize: 10,
      onEvent: (event) => events.push(event),
    }).run(memorySource({ pageSize: 10, records: records(11, 35) }));
    expect(second.resources.items).toMatchObject({ rows: 25, inserted: 15, updated: 10 });
    const loaded = events.flatMap((event) => (event.type === 'batch_loaded' ? [event] : []));
    expect(loaded.map((event) => [event.inserted, event.updated])).toEqual([
      [0, 10],
      [10, 0],
      [5, 0],
    ]);
  });

  it('should leave the counts out for a destination that reports none', async () => {
    const events: RestsyncEvent[] = [];
    const result = await pipeline({
      name: 'counts',
      destination: memoryDestination(),
      onEvent: (event) => events.push(event),
    }).run(memorySource({ pageSize: 10, records: records(1, 5) }));
    expect(result.resources.items).toEqual({ rows: 5, pages: 1 });
    const loaded = events.find((event) => event.type === 'batch_loaded');
    expect(loaded).not.toHaveProperty('inserted');
    expect(loaded).not.toHaveProperty('updated');
  });
});
