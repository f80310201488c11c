import { describe, expect, it } from 'vitest';
import { formatProgressLine } from './progress-line';
import type { ResourceProgress } from './run-tracker';

function progress(overrides: Partial<ResourceProgress>): ResourceProgress {
  return {
    name: 'users',
    pages: 0,
    rows: 0,
    committedRows: 0,
    committedBatches: 0,
    tables: {},
    stopReason: undefined,
    retries: 0,
    waitedMs: 0,
    waitingUntil: 0,
    waitReason: undefined,
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
});
