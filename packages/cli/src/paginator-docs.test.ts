import { readFileSync } from 'node:fs';
import { officialAdapters } from '@restsync/core';
import { cursorAdapter, headerCursorAdapter } from '@restsync/paginator-cursor';
import { headerLinkAdapter, jsonLinkAdapter } from '@restsync/paginator-link';
import { offsetAdapter } from '@restsync/paginator-offset';
import { pageNumberAdapter } from '@restsync/paginator-page-number';
import { describe, expect, it } from 'vitest';

// docs/configuration.md lists every paginator type, each with exactly the options its adapter declares.

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

/** The rows of the table under "### Paginator types and options", by the first `type` of the row. */
function documentedRows(): Map<string, string> {
  const lines = doc.split('\n');
  const start = lines.indexOf('### Paginator types and options');
  if (start === -1) throw new Error('docs/configuration.md has no "### Paginator types and options" heading');
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  const rows = new Map<string, string>();
  for (const line of lines.slice(start + 1, end === -1 ? undefined : end)) {
    const cells = line.split('|');
    const type = /`([^`]+)`/.exec(cells[1] ?? '')?.[1];
    if (line.startsWith('| `') && type) rows.set(type, cells[3] ?? '');
  }
  return rows;
}

describe('docs/configuration.md paginators', () => {
  it('should have a row for every official paginator type and single_page', () => {
    const rows = documentedRows();
    const types = officialAdapters
      .filter((adapter) => adapter.kind === 'paginator')
      .map((adapter) => adapter.type);
    for (const type of [...types.filter((type) => type !== 'json_response'), 'single_page']) {
      expect(rows.has(type), `a row for "${type}"`).toBe(true);
    }
  });

  for (const adapter of [
    offsetAdapter,
    pageNumberAdapter,
    cursorAdapter,
    headerCursorAdapter,
    jsonLinkAdapter,
    headerLinkAdapter,
  ]) {
    it(`should list exactly the options of "${adapter.type}" by their dlt names`, () => {
      const documented = [
        ...(documentedRows().get(adapter.type) ?? '').matchAll(/`([a-z_]+)`\s*(?:\(|,|$)/g),
      ].map((match) => match[1]);
      const expected = adapter.options.optionNames.map((option) => adapter.options.nameOf(option, 'config'));
      expect(documented).toEqual(expected);
    });
  }
});
