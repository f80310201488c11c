import { ConfigError, didYouMean, type ResourceInfo } from '@restsync/core';

/**
 * `--resource a,b`: the named resources plus every ancestor of a child among them (a child's
 * requests need its parent's records), in the config's order. Unknown names are a `ConfigError`
 * naming each, with a did-you-mean hint.
 */
export function selectedResourceNames(
  resources: readonly ResourceInfo[],
  requested: readonly string[],
): string[] {
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  const names = resources.map((resource) => resource.name);
  const issues = requested
    .filter((name) => !byName.has(name))
    .map((name) => {
      const suggestion = didYouMean(name, names);
      return {
        path: '--resource',
        message: `unknown resource "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (resources: ${names.join(', ')})`,
      };
    });
  if (issues.length > 0) throw new ConfigError(issues);
  const selected = new Set<string>();
  for (const name of requested) {
    for (
      let current = byName.get(name);
      current;
      current = current.parent ? byName.get(current.parent) : undefined
    ) {
      selected.add(current.name);
    }
  }
  return names.filter((name) => selected.has(name));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryName(entry: unknown): unknown {
  return isPlainObject(entry) ? entry.name : entry;
}

/**
 * A copy of a rest_api config that keeps only the `keep` resources among `selectable` (the ones the
 * source loads); entries it does not load (deselected parents that feed children) stay.
 */
export function configWithResources(
  config: Record<string, unknown>,
  selectable: readonly string[],
  keep: readonly string[],
): Record<string, unknown> {
  if (!Array.isArray(config.resources)) return config;
  const resources = config.resources.filter((entry) => {
    const name = entryName(entry);
    return typeof name !== 'string' || !selectable.includes(name) || keep.includes(name);
  });
  return { ...config, resources };
}

const maxPagesSpellings = ['maxPages', 'max_pages'];

/**
 * A copy of a rest_api config whose every resource stops after `pages` pages per request sequence
 * (`--dry-run`, `--limit-pages`), keeping a smaller `max_pages` the resource already has.
 */
export function configWithPageLimit(config: Record<string, unknown>, pages: number): Record<string, unknown> {
  if (!Array.isArray(config.resources)) return config;
  const snake = !(
    'resourceDefaults' in config ||
    (isPlainObject(config.client) && 'baseUrl' in config.client)
  );
  const resources = config.resources.map((entry) => {
    const resource: Record<string, unknown> = isPlainObject(entry)
      ? entry
      : { name: entry, endpoint: { path: entry } };
    const key =
      maxPagesSpellings.find((spelling) => spelling in resource) ?? (snake ? 'max_pages' : 'maxPages');
    const current = resource[key];
    return { ...resource, [key]: typeof current === 'number' && current < pages ? current : pages };
  });
  return { ...config, resources };
}
