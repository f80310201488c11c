import type { ResourceProgress } from './run-tracker';

const numberFormat = new Intl.NumberFormat('en-US');

function plural(count: number, word: string, words = `${word}s`): string {
  return `${numberFormat.format(count)} ${count === 1 ? word : words}`;
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** `12s`, `2m05s`, `1h03m`: a short remaining time. */
function eta(milliseconds: number): string {
  const total = Math.max(1, Math.round(milliseconds / 1000));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The share of the expected total fetched so far (0..1), or undefined when no total is known. */
function fractionDone(progress: ResourceProgress): number | undefined {
  const { total } = progress;
  if (total?.records !== undefined) return total.records > 0 ? Math.min(1, progress.rows / total.records) : 1;
  if (total?.pages !== undefined) return total.pages > 0 ? Math.min(1, progress.pages / total.pages) : 1;
  return undefined;
}

/** `42%  ETA 12s` while a resource with a known total runs; nothing once it ended or without a total. */
function completion(progress: ResourceProgress, now: number): string[] {
  const fraction = fractionDone(progress);
  if (fraction === undefined || progress.doneAt !== undefined || progress.failedAt !== undefined) return [];
  const parts = [`${Math.floor(fraction * 100)}%`];
  const elapsed = progress.startedAt === undefined ? 0 : now - progress.startedAt;
  if (fraction > 0 && fraction < 1 && elapsed > 0)
    parts.push(`ETA ${eta((elapsed * (1 - fraction)) / fraction)}`);
  return parts;
}

/**
 * One resource's progress as plain text: pages, rows, rows/s, retries and waits, e.g.
 * `resource_name  12 pages  1,200 rows  60%  ETA 5s  240 rows/s  3 retries  waited 2.1 s  (waiting 0.8 s: HTTP 429)`.
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
    ...completion(progress, now),
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
