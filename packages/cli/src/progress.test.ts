import type { RestsyncEvent } from '@restsync/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress, type ProgressStream } from './progress';
import { createRunTracker, type RunTracker } from './run-tracker';

function fakeStream(isTTY: boolean): ProgressStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

const page = (records: number): RestsyncEvent => ({
  type: 'page',
  resource: 'users',
  index: 0,
  url: 'http://api/users',
  status: 200,
  records,
});

let tracker: RunTracker;
const feed = (display: { onEvent(event: RestsyncEvent): void }, event: RestsyncEvent) => {
  tracker.onEvent(event);
  display.onEvent(event);
};

beforeEach(() => {
  vi.useFakeTimers();
  tracker = createRunTracker({ resources: ['users'], now: () => Date.now() });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createProgress', () => {
  it('should print plain periodic lines without escape codes when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const display = createProgress({ stream, tracker, intervalMs: 1_000 });
    feed(display, page(100));
    expect(stream.text()).toBe('');
    vi.advanceTimersByTime(1_000);
    feed(display, page(50));
    vi.advanceTimersByTime(1_000);
    feed(display, { type: 'resource_done', resource: 'users', rows: 150, pages: 2 });
    display.stop();
    vi.advanceTimersByTime(5_000);
    const lines = stream.text().trimEnd().split('\n');
    expect(lines).toEqual([
      'restsync: users  1 page  100 rows  100 rows/s  0 retries',
      'restsync: users  2 pages  150 rows  75 rows/s  0 retries',
      'restsync: users  ✔ done  2 pages  150 rows  75 rows/s  0 retries',
    ]);
    expect(stream.text()).not.toContain('\u001b');
  });

  it('should print a line for every committed batch with the rows committed so far when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const display = createProgress({ stream, tracker, intervalMs: 60_000 });
    const batch = (rows: number): RestsyncEvent => ({
      type: 'batch_loaded',
      resource: 'users',
      rows,
      tables: { users: rows },
    });
    feed(display, batch(5_000));
    feed(display, batch(2_500));
    display.stop();
    expect(stream.text().trimEnd().split('\n')).toEqual([
      'restsync: users  batch committed  5,000 rows  (5,000 rows committed in this run)',
      'restsync: users  batch committed  2,500 rows  (7,500 rows committed in this run)',
    ]);
  });

  it('should print nothing periodically for a resource that has not started', () => {
    const stream = fakeStream(false);
    const display = createProgress({ stream, tracker, intervalMs: 1_000 });
    vi.advanceTimersByTime(3_000);
    display.stop();
    expect(stream.text()).toBe('');
  });

  it('should redraw one live line per resource on a TTY and restore the cursor when stopped', () => {
    const stream = fakeStream(true);
    const display = createProgress({ stream, tracker, redrawMs: 100 });
    feed(display, page(100));
    vi.advanceTimersByTime(250);
    feed(display, {
      type: 'retry',
      resource: 'users',
      method: 'GET',
      url: 'http://api/users',
      attempt: 1,
      reason: 'HTTP 503',
      status: 503,
      delayMs: 2_000,
      retryAfter: false,
    });
    vi.advanceTimersByTime(250);
    const live = stream.text();
    expect(live).toContain('\u001b[?25l');
    expect(live).toContain('users  1 page  100 rows');
    expect(live).toMatch(/1 retry {2}waited 2\.0 s {2}\(waiting 1\.\d s after HTTP 503\)/);
    display.stop();
    display.stop();
    const final = stream.text().slice(live.length);
    expect(final).toContain('\u001b[?25h');
    expect(final.split('\u001b[?25h')).toHaveLength(2);
  });
});

describe('createProgress without a tracker', () => {
  // Regression: apps/example passes `onEvent` alone; the display must count the events itself.
  it('should count the events it is given', () => {
    const stream = fakeStream(false);
    const display = createProgress({ stream, intervalMs: 1_000 });
    const { onEvent } = display;
    onEvent(page(100));
    onEvent(page(100));
    vi.advanceTimersByTime(1_000);
    display.stop();
    expect(stream.text()).toBe('restsync: users  2 pages  200 rows  200 rows/s  0 retries\n');
  });
});

describe('createProgress on a TTY', () => {
  it('should write nothing when no resource started before it stopped', () => {
    const stream = fakeStream(true);
    const display = createProgress({ stream, tracker });
    display.stop();
    expect(stream.text()).toBe('');
  });
});

describe('createProgress warnings', () => {
  const capped = (resource: string): RestsyncEvent => ({
    type: 'warning',
    resource,
    code: 'page_size_capped',
    message: `resource "${resource}": the API caps the page size at 600 (limit asked: 1000)`,
  });

  it('should print each kind of warning once per resource when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const display = createProgress({ stream, tracker, intervalMs: 60_000 });
    feed(display, capped('users'));
    feed(display, capped('users'));
    feed(display, capped('orders'));
    display.stop();
    expect(stream.text().trimEnd().split('\n')).toEqual([
      'restsync: warning: resource "users": the API caps the page size at 600 (limit asked: 1000)',
      'restsync: warning: resource "orders": the API caps the page size at 600 (limit asked: 1000)',
    ]);
  });

  it('should print warnings below the final live lines on a TTY', () => {
    const stream = fakeStream(true);
    const display = createProgress({ stream, tracker, redrawMs: 100 });
    feed(display, page(100));
    feed(display, capped('users'));
    vi.advanceTimersByTime(250);
    expect(stream.text()).not.toContain('warning');
    display.stop();
    expect(
      stream.text().endsWith(`restsync: warning: ${(capped('users') as { message: string }).message}\n`),
    ).toBe(true);
  });
});
