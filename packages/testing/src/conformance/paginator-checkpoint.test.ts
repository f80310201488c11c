import type { PaginatorInstance } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { storedCheckpoint } from './paginator-checkpoint';

function instance(checkpoint?: () => unknown): PaginatorInstance {
  return {
    first: (request) => request,
    next: () => ({ done: true, reason: 'last page' }),
    ...(checkpoint === undefined ? {} : { checkpoint: checkpoint as PaginatorInstance['checkpoint'] }),
  };
}

describe('storedCheckpoint', () => {
  // Regression: a checkpoint() returning undefined failed as a TypeError inside the author's own resume().
  it('should say that checkpoint() returned undefined and what to return instead', () => {
    expect(() => storedCheckpoint(instance(() => undefined))).toThrow(
      'checkpoint() returned undefined after the first page: return a JSON object that says where to continue (e.g. { offset: 100 }), which resume() receives',
    );
  });

  it('should name a missing checkpoint() and a checkpoint that is not an object', () => {
    expect(() => storedCheckpoint(instance())).toThrow(
      'supportsCheckpoint is set but checkpoint() is missing',
    );
    expect(() => storedCheckpoint(instance(() => 100))).toThrow(
      'checkpoint() returned 100 after the first page: return a JSON object such as { offset: 100 }',
    );
  });

  it('should return a JSON round-tripped copy of the checkpoint', () => {
    const checkpoint = { offset: 100, since: new Date('2024-01-01T00:00:00Z') };
    const stored = storedCheckpoint(instance(() => checkpoint));
    expect(stored).toEqual({ offset: 100, since: '2024-01-01T00:00:00.000Z' });
    expect(stored).not.toBe(checkpoint);
  });
});
