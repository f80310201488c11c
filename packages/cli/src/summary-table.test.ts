import type { RunResult } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { createRunTracker } from './run-tracker';
import { formatSummaryTable } from './summary-table';

const result: Omit<RunResult, 'summary'> = {
  loadId: '1700000000000-abc123',
  status: 'succeeded',
  pipeline: 'example',
  dataset: 'example_dataset',
  destination: 'postgres://root:***@127.0.0.1:5432/test',
  resources: { users: { rows: 1_500, pages: 15 }, emptyOnes: { rows: 0, pages: 1 } },
  tables: { users: 1_500, users__tags: 3_200 },
  batches: 1,
  pages: 16,
  retries: 1,
  durationMs: 12_345,
};

describe('formatSummaryTable', () => {
  it('should list every table with its rows and its resource pages, then the totals', () => {
    expect(formatSummaryTable(result)).toBe(
      [
        '✔ Pipeline "example" succeeded in 12.3 s',
        '  destination postgres://root:***@127.0.0.1:5432/test, dataset "example_dataset"',
        '',
        '  table         rows  pages',
        '  ─────────────────────────',
        '  empty_ones       0      1',
        '  users        1,500     15',
        '  users__tags  3,200',
        '  ─────────────────────────',
        '  4,700 rows, 16 pages, 1 retry, load 1700000000000-abc123',
      ].join('\n'),
    );
  });

  it('should show minutes for a long run', () => {
    expect(formatSummaryTable({ ...result, durationMs: 125_000 }).split('\n')[0]).toBe(
      '✔ Pipeline "example" succeeded in 2 min 5 s',
    );
  });
});

describe('formatSummaryTable with the run tracker', () => {
  it('should add per-resource time and rows/s, inserted vs updated for merge, time waited, and the new tables and columns', () => {
    let now = 0;
    const tracker = createRunTracker({ resources: ['users', 'emptyOnes'], now: () => now });
    tracker.onEvent({ type: 'request', resource: 'users', method: 'GET', url: 'u', attempt: 1 });
    tracker.onEvent({
      type: 'retry',
      resource: 'users',
      method: 'GET',
      url: 'u',
      attempt: 1,
      reason: 'HTTP 429',
      status: 429,
      delayMs: 2_000,
      retryAfter: true,
    });
    tracker.onEvent({
      type: 'schema_changed',
      table: 'users',
      version: 1,
      added: ['id', '_restsync_load_id'],
    });
    tracker.onEvent({
      type: 'schema_changed',
      table: 'users__tags',
      version: 2,
      added: ['value', '_restsync_load_id'],
    });
    tracker.onEvent({ type: 'schema_changed', table: 'orders', version: 3, added: ['coupon'] });
    tracker.onEvent({
      type: 'batch_loaded',
      resource: 'users',
      rows: 4_700,
      tables: { users: 1_500, users__tags: 3_200 },
      inserted: 1_200,
      updated: 300,
    });
    now = 10_000;
    tracker.onEvent({ type: 'resource_done', resource: 'users', rows: 1_500, pages: 15 });
    tracker.onEvent({ type: 'page', resource: 'emptyOnes', index: 0, url: 'u', status: 200, records: 0 });
    now = 12_000;
    tracker.onEvent({ type: 'resource_done', resource: 'emptyOnes', rows: 0, pages: 1 });

    expect(formatSummaryTable(result, tracker).split('\n').slice(3)).toEqual([
      '  table         rows  pages    time  rows/s  inserted  updated',
      '  ────────────────────────────────────────────────────────────',
      '  empty_ones       0      1   2.0 s       0',
      '  users        1,500     15  10.0 s     150     1,200      300',
      '  users__tags  3,200',
      '  ────────────────────────────────────────────────────────────',
      '  4,700 rows, 16 pages, 1 retry, waited 2.0 s before retries, 122 rows/s, load 1700000000000-abc123',
      '  new tables: users (id), users__tags (value)',
      '  new columns: orders.coupon',
    ]);
  });

  // The time waited left out the waits for the client's own rate limit (client.rate_limit).
  it('should add the time waited for the rate limit to the time waited before retries', () => {
    const tracker = createRunTracker({ resources: ['users', 'emptyOnes'] });
    tracker.onEvent({
      type: 'retry',
      resource: 'users',
      method: 'GET',
      url: 'u',
      attempt: 1,
      reason: 'HTTP 503',
      status: 503,
      delayMs: 2_000,
      retryAfter: false,
    });
    tracker.onEvent({ type: 'rate_limit_wait', resource: 'users', waitMs: 400 });
    tracker.onEvent({ type: 'rate_limit_wait', resource: 'emptyOnes', waitMs: 100 });

    expect(tracker.resources().map((progress) => progress.waitedMs)).toEqual([2_400, 100]);
    expect(formatSummaryTable(result, tracker)).toContain(
      'waited 2.5 s (2.0 s before retries, 0.5 s for the rate limit)',
    );
  });

  it('should say the time waited was for the rate limit when no request was retried', () => {
    const tracker = createRunTracker({ resources: ['users'] });
    tracker.onEvent({ type: 'rate_limit_wait', resource: 'users', waitMs: 1_500 });

    const summary = formatSummaryTable(result, tracker);
    expect(summary).toContain('waited 1.5 s for the rate limit');
    expect(summary).not.toContain('before retries');
  });
});
