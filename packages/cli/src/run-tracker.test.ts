import { describe, expect, it } from 'vitest';
import { createRunTracker } from './run-tracker';

const target = { method: 'GET', url: 'http://api/v1/resource' };

describe('createRunTracker', () => {
  it('should count pages, rows, retries and waits per resource', () => {
    let now = 1_000;
    const tracker = createRunTracker({ resources: ['users', 'orders'], now: () => now });
    tracker.onEvent({ type: 'request', resource: 'users', attempt: 1, ...target });
    tracker.onEvent({
      type: 'retry',
      resource: 'users',
      attempt: 1,
      reason: 'HTTP 429',
      status: 429,
      delayMs: 1_000,
      retryAfter: true,
      ...target,
    });
    expect(tracker.resources()[0]).toMatchObject({
      name: 'users',
      retries: 1,
      waitedMs: 1_000,
      waitingUntil: 2_000,
      waitReason: 'HTTP 429',
      startedAt: 1_000,
    });
    now = 2_000;
    tracker.onEvent({ type: 'request', resource: 'users', attempt: 2, ...target });
    tracker.onEvent({
      type: 'page',
      resource: 'users',
      index: 0,
      url: target.url,
      status: 200,
      records: 100,
    });
    tracker.onEvent({ type: 'page', resource: 'users', index: 1, url: target.url, status: 200, records: 40 });
    now = 3_000;
    tracker.onEvent({ type: 'resource_done', resource: 'users', rows: 140, pages: 2 });
    expect(tracker.resources()).toEqual([
      {
        name: 'users',
        selected: true,
        pages: 2,
        rows: 140,
        committedRows: 0,
        committedBatches: 0,
        tables: {},
        stopReason: undefined,
        retries: 1,
        waitedMs: 1_000,
        rateLimitWaitedMs: 0,
        waitingUntil: 0,
        waitReason: undefined,
        total: undefined,
        inserted: undefined,
        updated: undefined,
        resumedFrom: undefined,
        startedAt: 1_000,
        doneAt: 3_000,
        failedAt: undefined,
      },
      {
        name: 'orders',
        selected: true,
        pages: 0,
        rows: 0,
        committedRows: 0,
        committedBatches: 0,
        tables: {},
        stopReason: undefined,
        retries: 0,
        waitedMs: 0,
        rateLimitWaitedMs: 0,
        waitingUntil: 0,
        waitReason: undefined,
        total: undefined,
        inserted: undefined,
        updated: undefined,
        resumedFrom: undefined,
        startedAt: undefined,
        doneAt: undefined,
        failedAt: undefined,
      },
    ]);
    expect(tracker.retries()).toBe(1);
  });

  it('should add resources it was not told about in the order they appear', () => {
    const tracker = createRunTracker();
    tracker.onEvent({ type: 'page', resource: 'b', index: 0, url: 'u', status: 200, records: 1 });
    tracker.onEvent({ type: 'page', resource: 'a', index: 0, url: 'u', status: 200, records: 1 });
    tracker.onEvent({ type: 'schema_changed', table: 'a', version: 1, added: ['id'] });
    expect(tracker.resources().map((progress) => progress.name)).toEqual(['b', 'a']);
  });

  it('should count committed batches per table, the stop reason, and the tables and columns the run added', () => {
    let now = 1_000;
    const tracker = createRunTracker({ resources: ['users', 'orders'], now: () => now });
    tracker.onEvent({ type: 'page', resource: 'users', index: 0, url: 'u', status: 200, records: 2 });
    tracker.onEvent({
      type: 'schema_changed',
      table: 'users',
      version: 1,
      added: ['id', 'name', '_restsync_load_id', '_restsync_id'],
    });
    tracker.onEvent({ type: 'schema_changed', table: 'orders', version: 2, added: ['coupon'] });
    tracker.onEvent({
      type: 'batch_loaded',
      resource: 'users',
      rows: 5,
      tables: { users: 2, users__tags: 3 },
    });
    tracker.onEvent({ type: 'pagination_done', resource: 'users', pages: 1, reason: 'no next page' });
    tracker.onEvent({ type: 'resource_done', resource: 'users', rows: 2, pages: 1 });
    tracker.onEvent({ type: 'page', resource: 'orders', index: 0, url: 'u', status: 200, records: 1 });
    now = 2_000;
    tracker.markStopped('failed');
    const [users, orders] = tracker.resources();
    expect(users).toMatchObject({
      committedRows: 5,
      committedBatches: 1,
      tables: { users: 2, users__tags: 3 },
      stopReason: 'no next page',
      failedAt: undefined,
    });
    expect(orders).toMatchObject({ stopReason: 'failed', failedAt: 2_000 });
    expect(tracker.committed()).toEqual({ rows: 5, batches: 1 });
    expect(tracker.schemaGrowth()).toEqual([
      { table: 'users', created: true, columns: ['id', 'name'] },
      { table: 'orders', created: false, columns: ['coupon'] },
    ]);
  });

  it('should keep the total of a one-sequence resource and drop it once a second sequence starts', () => {
    const tracker = createRunTracker({ resources: ['users', 'comments'] });
    const page = (resource: string, index: number, total?: { records: number }) =>
      tracker.onEvent({
        type: 'page',
        resource,
        index,
        url: 'u',
        status: 200,
        records: 10,
        ...(total ? { total } : {}),
      });
    page('users', 0, { records: 30 });
    page('users', 1, { records: 30 });
    page('comments', 0, { records: 20 });
    page('comments', 1, { records: 20 });
    // The next parent's sequence: the first one's total does not tell where the resource ends.
    page('comments', 0, { records: 20 });
    page('comments', 1, { records: 20 });
    const [users, comments] = tracker.resources();
    expect(users?.total).toEqual({ records: 30 });
    expect(comments?.total).toBeUndefined();
  });

  it('should sum inserted and updated rows, keep where a resource resumed, and mark a resource it was not told of as deselected', () => {
    const tracker = createRunTracker({ resources: ['tasks'] });
    tracker.onEvent({ type: 'resume', resource: 'tasks', from: 'page 3 (load 1 interrupted)' });
    tracker.onEvent({ type: 'page', resource: 'projects', index: 0, url: 'u', status: 200, records: 3 });
    const batch = { type: 'batch_loaded', resource: 'tasks', rows: 5, tables: { tasks: 5 } } as const;
    tracker.onEvent({ ...batch, inserted: 3, updated: 2 });
    tracker.onEvent({ ...batch, inserted: 1, updated: 4 });
    const [tasks, projects] = tracker.resources();
    expect(tasks).toMatchObject({
      selected: true,
      inserted: 4,
      updated: 6,
      resumedFrom: 'page 3 (load 1 interrupted)',
    });
    expect(projects).toMatchObject({ name: 'projects', selected: false, inserted: undefined });
  });
});
