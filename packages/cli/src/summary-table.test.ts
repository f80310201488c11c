import type { RunResult } from '@restsync/core';
import { describe, expect, it } from 'vitest';
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
