import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../contracts/destination';
import { DestinationError } from '../errors';
import { migrateResourceState, nextResourceState } from './resource-state';

const current: ResourceState = {
  formatVersion: 1,
  resource: 'items',
  status: 'in_progress',
  loadId: 'load-1',
  updatedAt: '2024-01-02T03:04:05.000Z',
  checkpoint: { offset: 200 },
  incremental: { cursors: { '': { cursorPath: 'updated_at', lastValue: '2024-01-01T00:00:00Z' } } },
  parents: { abc: { status: 'in_progress', checkpoint: { page: 3 } } },
  lease: { owner: 'worker-1', version: 7 },
};

describe('migrateResourceState', () => {
  it('should turn a 0.x state into a version 1 document', () => {
    const legacy = {
      resource: 'items',
      status: 'in_progress',
      checkpoint: { offset: 300 },
      loadId: 'load-0',
      updatedAt: new Date(Date.UTC(2024, 0, 2)),
    };
    expect(migrateResourceState(legacy)).toEqual({
      formatVersion: 1,
      resource: 'items',
      status: 'in_progress',
      checkpoint: { offset: 300 },
      loadId: 'load-0',
      updatedAt: '2024-01-02T00:00:00.000Z',
    });
  });

  it('should drop a null 0.x checkpoint', () => {
    const legacy = {
      resource: 'items',
      status: 'complete',
      checkpoint: null,
      loadId: 'l',
      updatedAt: '2024-01-02T00:00:00Z',
    };
    expect(migrateResourceState(legacy)).not.toHaveProperty('checkpoint');
  });

  it('should return a current document whole, fields it does not know included', () => {
    const stored = { ...structuredClone(current), futureField: { kept: true } };
    expect(migrateResourceState(stored)).toEqual(stored);
  });

  it('should take the resource name from the caller when the document has none', () => {
    const legacy = { status: 'complete', loadId: 'l', updatedAt: '2024-01-02T00:00:00Z' };
    expect(migrateResourceState(legacy, 'orders').resource).toBe('orders');
  });

  it('should refuse a document written by a newer restsync, asking for an upgrade', () => {
    expect(() => migrateResourceState({ ...current, formatVersion: 2 }, 'items')).toThrow(/newer restsync/);
  });

  it('should refuse what is not a state document, naming the resource', () => {
    expect(() => migrateResourceState('nonsense', 'items')).toThrow(DestinationError);
    expect(() => migrateResourceState({ ...current, status: 'done' }, 'items')).toThrow(
      /resource "items".*status "done"/,
    );
    expect(() => migrateResourceState({ ...current, updatedAt: 'soon' })).toThrow(/updatedAt/);
  });
});

describe('nextResourceState', () => {
  it('should carry over cursors, parents and the lease, replacing status, checkpoint and load id', () => {
    const next = nextResourceState(current, {
      resource: 'items',
      status: 'complete',
      loadId: 'load-2',
      updatedAt: '2024-02-01T00:00:00.000Z',
    });
    expect(next).toEqual({
      formatVersion: 1,
      resource: 'items',
      status: 'complete',
      loadId: 'load-2',
      updatedAt: '2024-02-01T00:00:00.000Z',
      incremental: current.incremental,
      parents: current.parents,
      lease: current.lease,
    });
  });

  it('should start a document when nothing was stored', () => {
    const next = nextResourceState(undefined, {
      resource: 'items',
      status: 'in_progress',
      loadId: 'l',
      checkpoint: { offset: 1 },
    });
    expect(next).toMatchObject({ formatVersion: 1, resource: 'items', checkpoint: { offset: 1 } });
    expect(Number.isNaN(Date.parse(next.updatedAt))).toBe(false);
  });
});
