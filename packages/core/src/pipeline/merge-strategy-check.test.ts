import { describe, expect, it } from 'vitest';
import type { Destination } from '../contracts/destination';
import { ConfigError } from '../errors';
import { memoryDestination } from './__fixtures__/memory-destination';
import { memorySource } from './__fixtures__/memory-source';
import { pipeline } from './pipeline';

const records = [
  { id: 1, day: 'mon' },
  { id: 2, day: 'tue' },
];

/** The memory destination, declaring the given merge strategies. */
function declaring(mergeStrategies: Destination['capabilities']['mergeStrategies']) {
  const destination = memoryDestination();
  return { ...destination, capabilities: { ...destination.capabilities, mergeStrategies } };
}

async function failure(destination: Destination, resource: Parameters<typeof memorySource>[0]['resource']) {
  const source = memorySource({ pageSize: 10, records, resource });
  const error = await pipeline({ name: 'test', destination })
    .run(source)
    .catch((caught: unknown) => caught);
  return { error: error as Error, startedFrom: source.startedFrom };
}

describe('pipeline merge strategy checks', () => {
  it('should refuse a strategy the destination does not declare before fetching anything', async () => {
    const { error, startedFrom } = await failure(memoryDestination(), {
      mergeStrategy: 'scd2',
      scd2: { validFrom: 'valid_from', validTo: 'valid_to', activeRecordTimestamp: null },
    });
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toContain(
      'resources[0].writeDisposition.strategy: resource "items" asks for the "scd2" merge strategy, which destination "memory" does not support (it supports: upsert)',
    );
    expect(startedFrom).toEqual([]);
  });

  it('should refuse delete-insert with neither a primary key nor a merge key', async () => {
    const { error, startedFrom } = await failure(declaring(['upsert', 'delete-insert']), {
      mergeStrategy: 'delete-insert',
      primaryKey: [],
    });
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toContain(
      '"delete-insert" merge strategy, which needs a primary key or a merge key',
    );
    expect(startedFrom).toEqual([]);
  });

  it('should run delete-insert with a merge key alone, and scd2 without a primary key, when the destination declares them', async () => {
    for (const resource of [
      { mergeStrategy: 'delete-insert' as const, primaryKey: [], mergeKey: ['day'] },
      {
        mergeStrategy: 'scd2' as const,
        primaryKey: [],
        scd2: { validFrom: 'valid_from', validTo: 'valid_to', activeRecordTimestamp: null },
      },
    ]) {
      const destination = declaring(['upsert', 'delete-insert', 'scd2']);
      const result = await pipeline({ name: 'test', destination }).run(
        memorySource({ pageSize: 10, records, resource }),
      );
      expect(result.status).toBe('succeeded');
      const table = destination.store.schemas.at(-1)?.tables.find((candidate) => candidate.name === 'items');
      expect(table?.mergeStrategy).toBe(resource.mergeStrategy);
    }
  });
});
