import { describe, expect, it } from 'vitest';
import { createMemoryStore, memoryDestination } from './__fixtures__/memory-destination';
import { readStoredStates, resetStoredState } from './stored-state';

describe('resetStoredState', () => {
  it('should clear the cursor, checkpoint and parents of one resource and leave the others', async () => {
    const store = createMemoryStore();
    const stored = {
      formatVersion: 1 as const,
      status: 'in_progress' as const,
      loadId: '1',
      updatedAt: '2024-01-01T00:00:00.000Z',
      checkpoint: { page: 3 },
      incremental: { cursors: { '': { cursorPath: 'updated_at', lastValue: '2024-01-01' } } },
    };
    store.states.set('issues', { ...stored, resource: 'issues' });
    store.states.set('users', { ...stored, resource: 'users' });
    const target = { destination: memoryDestination({ store }), pipeline: 'p', dataset: 'd' };

    await resetStoredState(target, 'issues');

    const states = await readStoredStates(target, ['issues', 'users', 'other']);
    expect(states.get('issues')).toEqual({
      formatVersion: 1,
      resource: 'issues',
      status: 'complete',
      loadId: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(states.get('users')?.incremental?.cursors['']?.lastValue).toBe('2024-01-01');
    expect(states.get('other')).toBeUndefined();
  });
});
