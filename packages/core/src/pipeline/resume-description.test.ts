import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../contracts/destination';
import { describeResume } from './resume-description';

const state = (changes: Partial<ResourceState>): ResourceState => ({
  formatVersion: 1,
  resource: 'issues',
  status: 'in_progress',
  loadId: '1733-abc',
  updatedAt: '2024-05-01T00:00:00.000Z',
  ...changes,
});

describe('describeResume', () => {
  it('should name the page an interrupted load continues from', () => {
    expect(describeResume(state({ checkpoint: { page: 3 } }), { page: 3 })).toBe(
      'page 3 (load 1733-abc interrupted)',
    );
  });

  it('should name the incremental cursor a run starts from, or where an interrupted incremental run began', () => {
    const cursors = (cursor: Record<string, unknown>) => ({
      incremental: { cursors: { '': { cursorPath: 'updated_at', ...cursor } } },
    });
    expect(
      describeResume(
        state({ status: 'complete', ...cursors({ lastValue: '2024-04-30T12:00:00Z' }) }),
        undefined,
      ),
    ).toBe('cursor updated_at 2024-04-30T12:00:00Z (stored by load 1733-abc)');
    expect(
      describeResume(
        state(cursors({ lastValue: '2024-04-30T12:00:00Z', runStart: { value: '2024-04-01T00:00:00Z' } })),
        undefined,
      ),
    ).toBe('cursor updated_at 2024-04-01T00:00:00Z (load 1733-abc interrupted)');
  });

  it('should say nothing for a resource that starts from the beginning', () => {
    expect(describeResume(undefined, undefined)).toBeUndefined();
    expect(describeResume(state({ status: 'complete' }), undefined)).toBeUndefined();
    // An in-progress `replace` resource gets no checkpoint: it is read again from the start.
    expect(describeResume(state({ checkpoint: { page: 3 } }), undefined)).toBeUndefined();
  });
});
