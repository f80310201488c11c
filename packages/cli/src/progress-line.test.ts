import { describe, expect, it } from 'vitest';
import { formatProgressLine } from './progress-line';
import type { ResourceProgress } from './run-tracker';

function progress(overrides: Partial<ResourceProgress>): ResourceProgress {
  return {
    name: 'users',
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
    startedAt: 0,
    doneAt: undefined,
    failedAt: undefined,
    ...overrides,
  };
}

describe('formatProgressLine', () => {
  it('should show pages, rows, rows per second and retries', () => {
    expect(formatProgressLine(progress({ pages: 12, rows: 1_200, retries: 0 }), 5_000)).toBe(
      'users  12 pages  1,200 rows  240 rows/s  0 retries',
    );
    expect(formatProgressLine(progress({ pages: 1, rows: 1, retries: 1 }), 1_000)).toBe(
      'users  1 page  1 row  1 rows/s  1 retry',
    );
  });

  it('should show the time waited and the wait in progress with its reason', () => {
    const line = formatProgressLine(
      progress({
        pages: 3,
        rows: 300,
        retries: 2,
        waitedMs: 2_500,
        waitingUntil: 6_800,
        waitReason: 'HTTP 429',
      }),
      6_000,
    );
    expect(line).toBe(
      'users  3 pages  300 rows  50 rows/s  2 retries  waited 2.5 s  (waiting 0.8 s after HTTP 429)',
    );
  });

  it('should mark a finished resource and measure its rate until it finished', () => {
    expect(formatProgressLine(progress({ pages: 2, rows: 200, doneAt: 2_000 }), 60_000, 8)).toBe(
      'users     ✔ done  2 pages  200 rows  100 rows/s  0 retries',
    );
  });

  // Regression: a finished resource's rows/s kept falling while the others ran on.
  it('should freeze the rate of a stopped resource and mark it failed', () => {
    const line = formatProgressLine(progress({ rows: 300, failedAt: 3_000, stopReason: 'failed' }), 60_000);
    expect(line).toBe('users  ✖ failed  0 pages  300 rows  100 rows/s  0 retries');
  });

  it('should show the share done and the time left when the API reports a total', () => {
    // 300 of 1,200 records in 6 s: 25%, 18 s to go at that pace.
    expect(formatProgressLine(progress({ pages: 3, rows: 300, total: { records: 1_200 } }), 6_000)).toBe(
      'users  3 pages  300 rows  25%  ETA 18s  50 rows/s  0 retries',
    );
    // Page numbers: 2 of 40 pages in 10 s.
    expect(formatProgressLine(progress({ pages: 2, rows: 200, total: { pages: 40 } }), 10_000)).toBe(
      'users  2 pages  200 rows  5%  ETA 3m10s  20 rows/s  0 retries',
    );
  });

  it('should show no share and no time left without a total, or once the resource is done', () => {
    expect(formatProgressLine(progress({ pages: 3, rows: 300 }), 6_000)).not.toMatch(/%|ETA/);
    expect(
      formatProgressLine(
        progress({ pages: 12, rows: 1_200, total: { records: 1_200 }, doneAt: 6_000 }),
        9_000,
      ),
    ).toBe('users  ✔ done  12 pages  1,200 rows  200 rows/s  0 retries');
  });
});
