import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../contracts/destination';
import type { PaginatorCheckpoint } from '../contracts/paginator';
import type { Source, SourcePage } from '../contracts/source';
import type { RestsyncEvent } from '../events';
import { createRedactor } from '../redact';
import { memoryDestination } from './__fixtures__/memory-destination';
import { pipeline } from './pipeline';
import { stateWithoutSecrets } from './state-secrets';

const token = 'graph-token-77ab1c';

function state(changes: Partial<ResourceState>): ResourceState {
  return {
    formatVersion: 1,
    resource: 'events',
    status: 'in_progress',
    loadId: 'load-1',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  };
}

describe('stateWithoutSecrets', () => {
  const redactor = createRedactor([token]);

  it('should return a document without secrets as the same object', () => {
    const clean = state({ checkpoint: { next: 'https://api.test/events?after=20' } });
    const result = stateWithoutSecrets(clean, redactor);
    expect(result.state).toBe(clean);
    expect(result.removed).toEqual([]);
  });

  it('should remove the query params that hold a secret from the URLs of a checkpoint and keep the others as written', () => {
    const result = stateWithoutSecrets(
      state({
        checkpoint: {
          next: `https://api.test/v1/events?after=20&access_token=${token}&fields=id%2Cname`,
          previous: `/v1/events?before=10&access_token=${encodeURIComponent(token)}`,
          query: `?${token}=1&page=3`,
          links: [`https://api.test/v1/events?page=4&sig=x${token}x`],
        },
      }),
      redactor,
    );
    expect(result.state.checkpoint).toEqual({
      next: 'https://api.test/v1/events?after=20&fields=id%2Cname',
      previous: '/v1/events?before=10',
      query: '?page=3',
      links: ['https://api.test/v1/events?page=4'],
    });
    expect(result.removed).toEqual([]);
    expect(JSON.stringify(result.state)).not.toContain(token);
  });

  it('should drop a checkpoint that still holds a secret outside a query param', () => {
    for (const checkpoint of [
      { cursor: `opaque-${token}` },
      { body: { position: { after: token } } },
      { next: `https://api.test/v1/${token}/events?page=2` },
      { next: `https://api.test/v1/events?page=2#${token}` },
    ] satisfies PaginatorCheckpoint[]) {
      const result = stateWithoutSecrets(state({ checkpoint }), redactor);
      expect(result.state).not.toHaveProperty('checkpoint');
      expect(result.state).toMatchObject({ resource: 'events', status: 'in_progress', loadId: 'load-1' });
      expect(result.removed.map((part) => part.path)).toEqual(['checkpoint']);
    }
  });

  it('should drop an incremental cursor whose value is a secret and keep the other cursors', () => {
    const result = stateWithoutSecrets(
      state({
        incremental: {
          cursors: {
            'id=1': { cursorPath: 'updated_at', lastValue: token },
            'id=2': { cursorPath: 'updated_at', lastValue: '2026-01-02', runStart: { value: `x${token}` } },
            'id=3': { cursorPath: 'updated_at', lastValue: '2026-01-03' },
          },
        },
      }),
      redactor,
    );
    expect(result.state.incremental).toEqual({
      cursors: { 'id=3': { cursorPath: 'updated_at', lastValue: '2026-01-03' } },
    });
    expect(result.removed.map((part) => part.path)).toEqual([
      'incremental.cursors["id=1"]',
      'incremental.cursors["id=2"]',
    ]);
  });

  it("should clean each parent's checkpoint, drop one that still holds a secret, and never name the secret", () => {
    const result = stateWithoutSecrets(
      state({
        parents: {
          a: { status: 'in_progress', checkpoint: { next: `https://api.test/a?page=2&token=${token}` } },
          b: { status: 'in_progress', checkpoint: { cursor: token } },
          [`key-${token}`]: { status: 'complete' },
        },
      }),
      redactor,
    );
    expect(result.state.parents).toEqual({
      a: { status: 'in_progress', checkpoint: { next: 'https://api.test/a?page=2' } },
      b: { status: 'in_progress' },
    });
    expect(result.removed.map((part) => part.path)).toEqual([
      'parents["b"].checkpoint',
      'parents["key-***"]',
    ]);
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('should drop any other optional field that holds a secret and mask a required one', () => {
    const result = stateWithoutSecrets(
      { ...state({ loadId: `load-${token}` }), note: { echoed: token }, kept: 1 } as ResourceState,
      redactor,
    );
    expect(result.state).toEqual({ ...state({ loadId: 'load-***' }), kept: 1 });
    expect(result.removed.map((part) => part.path)).toEqual(['note']);
  });
});

/** One resource, three pages whose checkpoints are given; fails instead of serving page `failAt` (0-based). */
function echoingSource(
  checkpoints: PaginatorCheckpoint[],
  options: { failAt?: number; cursor?: unknown } = {},
): Source {
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'echoing',
    resources: [{ name: 'events', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten' }],
    redactor: createRedactor([token]),
    async *pages(): AsyncGenerator<SourcePage> {
      for (const [index, checkpoint] of checkpoints.entries()) {
        if (index === options.failAt) throw new Error(`API failed at page ${index + 1}`);
        const records = [{ id: index + 1 }];
        yield {
          resource: 'events',
          index,
          request: { method: 'GET', url: `http://api.test/events?page=${index + 1}`, headers: {} },
          response: { status: 200, headers: new Headers(), body: records },
          records,
          checkpoint,
          ...(options.cursor === undefined
            ? {}
            : { cursor: { key: '', value: { cursorPath: 'id', lastValue: options.cursor } } }),
        };
      }
    },
  };
}

describe('pipeline.run with state that would hold a secret', () => {
  it('should store checkpoints without the echoed token, in every batch', async () => {
    const destination = memoryDestination();
    const events: RestsyncEvent[] = [];
    const run = pipeline({
      name: 'test',
      destination,
      batchSize: 1,
      onEvent: (event) => events.push(event),
    }).run(
      echoingSource(
        [1, 2, 3].map((page) => ({ next: `http://api.test/events?page=${page + 1}&access_token=${token}` })),
        { failAt: 2 },
      ),
    );
    await expect(run).rejects.toThrow('API failed at page 3');
    const stored = destination.store.batches.map((batch) => batch.states[0]?.checkpoint);
    expect(stored).toEqual([
      { next: 'http://api.test/events?page=2' },
      { next: 'http://api.test/events?page=3' },
    ]);
    expect(destination.store.states.get('events')?.checkpoint).toEqual({
      next: 'http://api.test/events?page=3',
    });
    // Removing a query param keeps the resume point: nothing to warn about.
    expect(events.filter((event) => event.type === 'warning')).toEqual([]);
  });

  it('should drop a checkpoint and a cursor that hold the secret, with one warning each that names no value', async () => {
    const destination = memoryDestination();
    const events: RestsyncEvent[] = [];
    const result = await pipeline({
      name: 'test',
      destination,
      batchSize: 1,
      onEvent: (event) => events.push(event),
    }).run(
      echoingSource(
        [1, 2, 3].map((page) => ({ cursor: `${token}-${page}` })),
        { cursor: token },
      ),
    );
    expect(result.status).toBe('succeeded');
    expect(destination.store.tables.get('events')?.size).toBe(3);
    const states = [
      ...destination.store.batches.map((batch) => batch.states[0]),
      destination.store.states.get('events'),
    ];
    expect(states).toHaveLength(4);
    for (const written of states) {
      expect(written).not.toHaveProperty('checkpoint');
      expect(written?.incremental).toEqual({ cursors: {} });
      expect(JSON.stringify(written)).not.toContain(token);
    }
    const warnings = events.filter((event) => event.type === 'warning');
    expect(warnings.map((event) => event.type === 'warning' && [event.code, event.message])).toEqual([
      [
        'state_secret',
        'resource "events": the paginator checkpoint (checkpoint) holds a secret, and state never stores one: ' +
          'it was not stored, so a rerun after an interruption reads the resource from its start (or from its incremental cursor).',
      ],
      [
        'state_secret',
        'resource "events": the incremental cursor (incremental.cursors[""]) holds a secret, and state never ' +
          'stores one: it was not stored, so the next run reads from the initial_value.',
      ],
    ]);
  });
});
