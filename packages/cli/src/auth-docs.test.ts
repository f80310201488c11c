import { readFileSync } from 'node:fs';
import { apiKeyAdapter } from '@restsync/auth-api-key';
import { httpBasicAdapter } from '@restsync/auth-basic';
import { bearerAdapter } from '@restsync/auth-bearer';
import { oauth2ClientCredentialsAdapter } from '@restsync/auth-oauth2';
import { officialAdapters } from '@restsync/core';
import { describe, expect, it } from 'vitest';

// docs/configuration.md lists every auth type the CLI bundles with exactly the options its adapter declares.

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const auths = [bearerAdapter, httpBasicAdapter, apiKeyAdapter, oauth2ClientCredentialsAdapter];

/** The lines under `#### \`<type>\`` up to the next heading. */
function section(type: string): string[] {
  const lines = doc.split('\n');
  const start = lines.indexOf(`#### \`${type}\``);
  if (start === -1) throw new Error(`docs/configuration.md has no heading "#### \`${type}\`"`);
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** The first two columns of the section's table: `[dlt form, camelCase]`. */
function documentedOptions(type: string): string[][] {
  return section(type)
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, 3)
        .map((cell) => /`([^`]+)`/.exec(cell)?.[1] ?? ''),
    );
}

describe('docs/configuration.md auths', () => {
  it('should document every official auth type', () => {
    const official = officialAdapters
      .filter((adapter) => adapter.kind === 'auth')
      .map((adapter) => adapter.type);
    expect(auths.map((adapter) => adapter.type).sort()).toEqual([...official].sort());
  });

  for (const adapter of auths) {
    it(`should list exactly the options of "${adapter.type}" in both spellings`, () => {
      const expected = adapter.options.optionNames.map((option) => [
        adapter.options.nameOf(option, 'config'),
        option,
      ]);
      expect(documentedOptions(adapter.type)).toEqual(expected);
    });
  }
});
