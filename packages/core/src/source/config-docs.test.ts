import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configDocsProblems } from '../config/__fixtures__/config-docs-check';
import { configJsonSchema, dltName } from '../config/forms';
import { configKeys } from '../config/keys';

// docs/configuration.md is the reference users read: it must list exactly the options the
// schema accepts. When this fails, update the doc (or the schema) so they agree again.

const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

/** The camelCase key of each dlt name, as the schema declares them. */
const camelKeys = new Map(
  Object.values(configKeys)
    .flat()
    .map((key: string) => [dltName(key), key]),
);

describe('docs/configuration.md', () => {
  it('should list exactly the options of the config schema, in both spellings', () => {
    expect(configDocsProblems(doc, configJsonSchema(), (name) => camelKeys.get(name) ?? name)).toEqual([]);
  });

  it('should report an option the schema has and the doc does not list', () => {
    const withoutTimeout = doc.replace(/^\| `timeoutMs` .*\n/m, '');

    expect(
      configDocsProblems(withoutTimeout, configJsonSchema(), (name) => camelKeys.get(name) ?? name),
    ).toEqual(['## `client` does not list timeout_ms']);
  });
});
