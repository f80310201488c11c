import type { ResourceProgress } from './run-tracker';

const numberFormat = new Intl.NumberFormat('en-US');

function plural(count: number, word: string, words = `${word}s`): string {
  return `${numberFormat.format(count)} ${count === 1 ? word : words}`;
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/**
 * One resource's progress as plain text: pages, rows, rows/s, retries and waits, e.g.
 * `resource_name  12 pages  1,200 rows  240 rows/s  3 retries  waited 2.1 s  (waiting 0.8 s: HTTP 429)`.
 */
export function formatProgressLine(progress: ResourceProgress, now: number, nameWidth = 0): string {
  // A finished (or stopped) resource keeps the rate it ended with.
  const end = progress.doneAt ?? progress.failedAt ?? now;
  const elapsedSeconds = progress.startedAt === undefined ? 0 : (end - progress.startedAt) / 1000;
  const rate = elapsedSeconds > 0 ? Math.round(progress.rows / elapsedSeconds) : 0;
  const parts = [
    progress.name.padEnd(nameWidth),
    progress.doneAt !== undefined
      ? '✔ done'
      : progress.failedAt !== undefined
        ? `✖ ${progress.stopReason ?? 'failed'}`
        : '',
    plural(progress.pages, 'page'),
    plural(progress.rows, 'row'),
    `${numberFormat.format(rate)} rows/s`,
    plural(progress.retries, 'retry', 'retries'),
  ];
  if (progress.waitedMs > 0) parts.push(`waited ${seconds(progress.waitedMs)}`);
  const remaining = progress.waitingUntil - now;
  if (remaining > 0) {
    parts.push(
      `(waiting ${seconds(remaining)}${progress.waitReason ? ` after ${progress.waitReason}` : ''})`,
    );
  }
  return parts.filter((part) => part !== '').join('  ');
}
